import type { AgentConfig } from '../config/index.js';
import { Errors } from '../models/index.js';
import { type AgentObserver, noopObserver } from './agent-observer.js';
import { type ContainerProtocol, ExchangeFailure } from './container-protocol.js';
import type { Driver } from './drivers/index.js';
import { stdioProtocol } from './formats/stdio-exchange.js';
import { type AgentCall, type FunctionSpec, reservedBytes } from './function-spec.js';
import type { HotContainer } from './hot-container.js';
import { CallDeadlineError, type FunctionResponse } from './http-stream.js';
import { httpStreamProtocol } from './http-stream-protocol.js';
import { EventLoopProbe, LaunchPolicy, type LoadProbe } from './launch-policy.js';
import { SharedLog } from './shared-log.js';
import { ResourceTracker } from './resource-tracker.js';
import { SlotQueue, type Waiter } from './slot-queue.js';
import { WarmKeeper } from './warm-keeper.js';
import { ContainerStarts } from './container-starts.js';

export interface AgentOptions {
  driver: Driver;
  config: AgentConfig;
  /** The longest a call waits for a busy container of its function before another starts. */
  launchGraceMs?: number;
  onError?: (err: unknown, context: string) => void;
  /** Telemetry hooks (metrics, per-call stats, syslog, traces); see AgentObserver. */
  observer?: AgentObserver;
  /** The server's own load, for the launch policy (default: its event-loop delay). */
  probe?: LoadProbe;
}

export interface AgentStats {
  containers: number;
  busy: number;
  starting: number;
  waiting: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

/** Calls per container slot that may wait in line for it (see roomFor). */
const PIPELINE = 4;

/**
 * Places calls on hot containers (seed 004's agent), for every format: a call takes a container
 * of its function with room, else waits while one is started when the launch policy and memory
 * allow. A container takes one call at a time (Fn's behaviour) or up to its fn's
 * `fnode.io/max-concurrency`, stops after the function's idle timeout, and `fnode.io/min-hot`
 * containers are kept started. Only the container protocol differs between formats.
 */
export class Agent {
  private readonly queues = new Map<string, SlotQueue>();
  private readonly tracker: ResourceTracker;
  private readonly starts: ContainerStarts;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly protocols = new Map<string, ContainerProtocol>();
  private readonly policy: LaunchPolicy;
  private readonly probe: LoadProbe;
  private readonly warm: WarmKeeper;
  private inflight = 0;
  private drained: (() => void) | undefined;
  private closingNow = false;
  private readonly obs: AgentObserver;

  constructor(private readonly opts: AgentOptions) {
    this.obs = opts.observer ?? noopObserver;
    this.tracker = new ResourceTracker(opts.config.maxTotalMemoryBytes);
    this.probe = opts.probe ?? new EventLoopProbe();
    this.policy = new LaunchPolicy({
      graceMs: opts.launchGraceMs ?? opts.config.launchGraceMsecs,
      probe: this.probe,
    });
    const agent = this;
    this.starts = new ContainerStarts({
      driver: opts.driver,
      config: opts.config,
      tracker: this.tracker,
      policy: this.policy,
      observer: this.obs,
      ...(opts.onError ? { onError: opts.onError } : {}),
      host: {
        giveTo: (q, hc, w) => this.giveTo(q, hc, w),
        handOff: (q, hc) => this.handOff(q, hc),
        retire: (q, hc) => this.retire(q, hc),
        refillWarm: () => this.warm.refill(),
        warmStartFailed: (q) => this.warm.startFailed(q),
        track: (p) => this.track(p),
        get closing() {
          return agent.closingNow;
        },
      },
    });
    this.warm = new WarmKeeper({
      queueFor: (spec) => this.queueFor(spec),
      launch: (q) => this.starts.launchSpare(q),
      retireIdle: (q) => this.retireIdle(q),
    });
    this.tracker.addEvictor((bytes, exceptKey) => this.evictIdle(bytes, exceptKey));
    this.tracker.onRelease(() => {
      this.starts.memoryReleased();
      this.warm.refill();
    });
  }

  /** Runs a call to completion on a container and returns the function's response. Throws ApiError. */
  async submit(call: AgentCall): Promise<FunctionResponse> {
    if (this.closingNow) throw Errors.CallTimeoutServerBusy.copy();
    if (!this.tracker.fits(reservedBytes(call.spec))) throw Errors.CallResourceTooBig.copy();
    this.inflight++;
    this.obs.callSubmitted(call);
    try {
      const q = this.queueFor(call.spec);
      let hc = q.protocol.oneShot ? undefined : q.takeFree();
      if (!hc) {
        if (!call.background && this.lineIsFull(q)) throw Errors.CallTimeoutServerBusy.copy();
        const since = Date.now();
        hc = await this.waitForContainer(q, call);
        // An async call's timeout is the function's: its wait in line does not count.
        if (call.background) call.deadline += Date.now() - since;
      }
      const res = await this.execute(q, hc, call);
      this.obs.callFinished(call, undefined);
      return res;
    } catch (err) {
      this.obs.callFinished(call, err);
      throw err;
    } finally {
      this.inflight--;
      if (this.inflight === 0 && this.drained) {
        const drained = this.drained;
        this.drained = undefined;
        drained();
      }
    }
  }

  /**
   * The specs to keep `minHot` containers of (fns annotated `fnode.io/min-hot`); every other
   * spec's kept containers go back to the idle timeout, and those of a spec no longer kept
   * (a fn deleted or edited) are removed at once when idle.
   */
  keepWarm(specs: readonly FunctionSpec[]): void {
    if (!this.closingNow) this.warm.set(specs);
  }

  stats(): AgentStats {
    let containers = 0;
    let busy = 0;
    let starting = 0;
    let waiting = 0;
    for (const q of this.queues.values()) {
      containers += q.all.size;
      busy += q.busyCount;
      starting += q.starting;
      waiting += q.waiters.length;
    }
    return {
      containers,
      busy,
      starting,
      waiting,
      memoryUsedBytes: this.tracker.usedBytes,
      memoryTotalBytes: this.tracker.totalBytes,
    };
  }

  /**
   * How many more calls needing `bytes` of memory the agent could take right now: free slots,
   * free memory, and a short line of PIPELINE calls per slot (so that a container never idles
   * while the async runner stores one call and fetches the next); none once a line is longer.
   * Lets the async runner take work from its queue only as capacity allows, so queue priorities
   * decide the order.
   */
  roomFor(bytes: number): number {
    if (this.closingNow) return 0;
    let slots = 0;
    for (const q of this.queues.values()) {
      const line = q.waiters.length - q.starting * q.capacity;
      const allowed = PIPELINE * q.all.size * q.capacity;
      if (line > allowed) return 0;
      slots += allowed - Math.max(0, line);
      for (const hc of q.free) slots += hc.capacity - hc.active;
    }
    const free = this.tracker.totalBytes - this.tracker.usedBytes;
    return slots + Math.floor(free / Math.max(1, bytes));
  }

  /**
   * Gives back the async calls still waiting for a container (their submit rejects with
   * CallTimeoutServerBusy before they start, and the runner puts them back in the queue).
   */
  handBackBackground(): void {
    for (const q of this.queues.values()) this.turnAway(q, (w) => w.call.background === true);
  }

  /** The waiting calls of `q` that `which` picks get no container: 503 server busy. */
  private turnAway(q: SlotQueue, which: (w: Waiter) => boolean): void {
    for (const w of q.waiters.filter(which)) {
      q.removeWaiter(w);
      clearTimeout(w.timer);
      w.reject(Errors.CallTimeoutServerBusy.copy());
    }
  }

  /** Resolves once no call is in the agent. */
  idle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const prev = this.drained;
      this.drained = () => {
        prev?.();
        resolve();
      };
    });
  }

  /**
   * Stops taking calls, lets running calls finish (for at most `graceMs`), then removes every
   * container it started; calls still running then fail.
   */
  async close(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.closingNow = true;
    this.starts.close();
    this.warm.close();
    this.probe.close();
    for (const q of this.queues.values()) {
      if (q.launchTimer) clearTimeout(q.launchTimer);
      this.turnAway(q, () => true);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        if (Number.isFinite(graceMs)) timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    const all: Promise<void>[] = [];
    for (const q of this.queues.values()) for (const hc of q.all) all.push(this.retire(q, hc));
    await Promise.allSettled(all);
  }

  private protocolOf(spec: FunctionSpec): ContainerProtocol {
    const format = spec.format === undefined || spec.format === 'http-stream' ? 'http-stream' : spec.format;
    let p = this.protocols.get(format);
    if (!p) {
      const max = this.opts.config.maxResponseSize;
      p = format === 'http-stream' ? httpStreamProtocol(max) : stdioProtocol(format, max);
      this.protocols.set(format, p);
    }
    return p;
  }

  private queueFor(spec: FunctionSpec): SlotQueue {
    let q = this.queues.get(spec.slotKey);
    if (!q) {
      q = new SlotQueue(spec, this.protocolOf(spec));
      this.queues.set(spec.slotKey, q);
    }
    return q;
  }

  private waitForContainer(q: SlotQueue, call: AgentCall): Promise<HotContainer> {
    return new Promise<HotContainer>((resolve, reject) => {
      const w: Waiter = {
        call,
        since: this.policy.now(),
        resolve,
        reject,
        timer: setTimeout(
          () => {
            q.removeWaiter(w);
            reject(Errors.CallTimeoutServerBusy.copy());
          },
          Math.max(0, call.deadline - Date.now()),
        ),
      };
      q.addWaiter(w);
      if (q.protocol.oneShot || q.all.size + q.starting === 0) this.starts.launchNeeded(q);
      else this.armLaunchTimer(q);
    });
  }

  /** Overload: the sync calls waiting for `q` are already at FNODE_MAX_WAITING_CALLS. */
  private lineIsFull(q: SlotQueue): boolean {
    const bound = this.opts.config.maxWaitingCalls;
    if (bound <= 0 || q.waiters.length < bound) return false;
    let sync = 0;
    for (const w of q.waiters) if (!w.call.background) sync++;
    return sync >= bound;
  }

  /** Asks the launch policy again once the oldest waiting call has waited its fn's patience. */
  private armLaunchTimer(q: SlotQueue): void {
    if (q.launchTimer || this.closingNow) return;
    const oldest = q.oldestWaitSince();
    if (oldest === undefined) return;
    const patience = this.policy.patienceMs(q);
    const at = Math.max(oldest + patience, this.policy.now() + Math.min(patience, 10));
    q.launchTimer = setTimeout(
      () => {
        q.launchTimer = undefined;
        this.starts.launchNeeded(q, this.policy.demand(q));
        if (q.waiters.length > q.starting * q.capacity) this.armLaunchTimer(q);
      },
      Math.max(0, at - this.policy.now()),
    );
  }

  /** Retires idle containers of other functions, least recently used first (an IdleEvictor). */
  private evictIdle(bytes: number, exceptKey: string | undefined): number {
    const candidates: [SlotQueue, HotContainer][] = [];
    for (const q of this.queues.values()) {
      if (q.spec.slotKey === exceptKey) continue;
      // Kept-warm containers are not lent out: they are what min-hot promises.
      let spare = q.all.size - q.minHot;
      for (const hc of q.free) if (!hc.busy && spare-- > 0) candidates.push([q, hc]);
    }
    candidates.sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let freed = 0;
    for (const [q, hc] of candidates) {
      if (freed >= bytes) break;
      freed += hc.memoryBytes;
      void this.retire(q, hc);
    }
    return freed;
  }

  /** Removes the idle containers of `q` beyond its min-hot. */
  private retireIdle(q: SlotQueue): void {
    let spare = q.all.size - q.minHot;
    for (const hc of [...q.free]) if (!hc.busy && spare-- > 0) void this.retire(q, hc);
  }

  /** A one-shot container goes to the call it was started for, if that call still waits. */
  private giveTo(q: SlotQueue, hc: HotContainer, w: Waiter): void {
    if (!q.waiters.includes(w) || hc.exit) {
      void this.retire(q, hc);
      return;
    }
    q.removeWaiter(w);
    clearTimeout(w.timer);
    hc.active++;
    w.resolve(hc);
  }

  /** Gives a container with room to the waiting calls, or parks it idle until its idle timeout. */
  private handOff(q: SlotQueue, hc: HotContainer): void {
    if (hc.dead || hc.exit || hc.draining) {
      if (!hc.busy) void this.retire(q, hc);
      return;
    }
    while (!hc.full) {
      const w = q.waiters.shift();
      if (!w) break;
      clearTimeout(w.timer);
      hc.active++;
      w.resolve(hc);
    }
    if (hc.full) return;
    q.offer(hc);
    if (hc.busy) return;
    hc.lastUsed = Date.now();
    this.armIdle(q, hc);
  }

  /** Idle timeout: the container stops, unless min-hot keeps it. */
  private armIdle(q: SlotQueue, hc: HotContainer): void {
    hc.armIdle(q.spec.idleTimeoutSecs * 1000, () => {
      if (q.all.size <= q.minHot && !hc.exit) this.armIdle(q, hc);
      else void this.retire(q, hc);
    });
  }

  private retire(q: SlotQueue, hc: HotContainer): Promise<void> {
    if (hc.dead) return Promise.resolve();
    q.dropFree(hc);
    q.all.delete(hc);
    const p = hc
      .destroy()
      .catch((err: unknown) => this.opts.onError?.(err, 'container removal'))
      .finally(() => {
        this.tracker.release(hc.memoryBytes);
        if (q.isUnused && this.queues.get(q.spec.slotKey) === q) this.queues.delete(q.spec.slotKey);
      });
    this.track(p);
    return p;
  }

  private async execute(q: SlotQueue, hc: HotContainer, call: AgentCall): Promise<FunctionResponse> {
    const timeoutMs = q.spec.timeoutSecs * 1000;
    const remaining = call.deadline - Date.now();
    // Seed 004: a call left with under half its timeout is not started; it times out.
    if (remaining < timeoutMs / 2) {
      this.release(q, hc, !q.protocol.oneShot);
      call.reason = 'timeout';
      throw Errors.CallTimeout.copy();
    }
    call.startedAt = Date.now();
    hc.lastCallAt = call.startedAt;
    call.containerId = hc.container.dockerId;
    hc.calls++;
    this.obs.callStarted(call, hc.container);
    const shared = hc.capacity > 1 ? SharedLog.of(hc.container) : undefined;
    if (shared) shared.add(call);
    else
      void hc.container.setLogListener(call.onLog ? (line, stream) => call.onLog?.(line, stream) : undefined);
    let keep = false;
    try {
      const res = await hc.exchange.send(call, remaining);
      keep = true;
      return res;
    } catch (e) {
      if (e instanceof ExchangeFailure) {
        call.reason = e.reason;
        keep = e.keep;
        throw e.error;
      }
      call.reason = e instanceof CallDeadlineError ? 'timeout' : await this.exitReason(hc);
      throw e;
    } finally {
      call.completedAt = Date.now();
      q.recordService(hc, call.completedAt - call.startedAt);
      keep = keep && !q.protocol.oneShot;
      const release = (): Promise<void> => {
        // The answer came on the socket; the output comes through Docker and may still be on its way.
        call.logsDone = shared ? shared.remove(call) : hc.exchange.endLogs();
        // The observer may extend logsDone (a fresh container's first stats sample).
        this.obs.callEnded(call, hc.container);
        const logsDone = call.logsDone;
        this.release(q, hc, keep);
        return logsDone;
      };
      // A good answer goes out first: the log switch (a marker written through Docker) and the
      // hand-off follow on the next turn of the event loop, off the caller's critical path.
      if (keep) {
        const released = new Promise<void>((resolve) => setImmediate(() => void release().then(resolve)));
        call.logsDone = released;
      } else release();
    }
  }

  /** A call left `hc`: it serves the next one, or goes (a broken or one-shot container). */
  private release(q: SlotQueue, hc: HotContainer, keep: boolean): void {
    hc.active--;
    if (keep) {
      this.handOff(q, hc);
      return;
    }
    // A failed container takes no more calls; one still serving others goes when they end.
    hc.draining = true;
    q.dropFree(hc);
    if (!hc.busy) void this.retire(q, hc);
  }

  /** After a broken connection: an OOM kill is `killed`, any other end is `bad_exit`. */
  private async exitReason(hc: HotContainer): Promise<'killed' | 'bad_exit'> {
    const exit =
      hc.exit ??
      (await Promise.race([
        hc.container.exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 500).unref()),
      ]));
    return exit?.oomKilled ? 'killed' : 'bad_exit';
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
