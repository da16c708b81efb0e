import { randomUUID } from 'node:crypto';
import type { AgentConfig } from '../config/index.js';
import { type AgentObserver, noopObserver } from './agent-observer.js';
import { ApiError, Errors } from '../models/index.js';
import type { Driver } from './drivers/index.js';
import { type AgentCall, containerEnv, type FunctionSpec, reservedBytes } from './function-spec.js';
import { HotContainer } from './hot-container.js';
import { CallDeadlineError, type FunctionResponse } from './http-stream.js';
import { ResourceTracker } from './resource-tracker.js';
import { SlotQueue, type Waiter } from './slot-queue.js';

export interface AgentOptions {
  driver: Driver;
  config: AgentConfig;
  /** How long a call waits for a busy container of its function to free up before another starts. */
  launchGraceMs?: number;
  onError?: (err: unknown, context: string) => void;
  /** Telemetry hooks (metrics, per-call stats, syslog, traces); see AgentObserver. */
  observer?: AgentObserver;
}

export interface AgentStats {
  containers: number;
  busy: number;
  starting: number;
  waiting: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

/**
 * Places calls on hot containers (seed 004's agent): a call takes an idle container of its
 * function, else waits while one is started when memory allows; containers serve one call at a
 * time and stop after the function's idle timeout.
 */
export class Agent {
  private readonly queues = new Map<string, SlotQueue>();
  private readonly tracker: ResourceTracker;
  private readonly memoryWaiting = new Set<SlotQueue>();
  private readonly pending = new Set<Promise<unknown>>();
  private inflight = 0;
  private drained: (() => void) | undefined;
  private closing = false;
  private readonly graceMs: number;

  private readonly obs: AgentObserver;

  constructor(private readonly opts: AgentOptions) {
    this.obs = opts.observer ?? noopObserver;
    this.tracker = new ResourceTracker(opts.config.maxTotalMemoryBytes);
    this.graceMs = opts.launchGraceMs ?? opts.config.launchGraceMsecs;
    this.tracker.addEvictor((bytes, exceptKey) => this.evictIdle(bytes, exceptKey));
    this.tracker.onRelease(() => {
      for (const q of [...this.memoryWaiting]) {
        this.memoryWaiting.delete(q);
        this.launchNeeded(q);
      }
    });
  }

  /** The memory budget; shared with the legacy-format agent so both draw from one total. */
  get resources(): ResourceTracker {
    return this.tracker;
  }

  /** Runs a call to completion on a container and returns the function's response. Throws ApiError. */
  async submit(call: AgentCall): Promise<FunctionResponse> {
    if (this.closing) throw Errors.CallTimeoutServerBusy.copy();
    if (!this.tracker.fits(reservedBytes(call.spec))) throw Errors.CallResourceTooBig.copy();
    this.inflight++;
    this.obs.callSubmitted(call);
    try {
      const q = this.queueFor(call.spec);
      const hc = q.takeIdle() ?? (await this.waitForContainer(q, call));
      const res = await this.execute(q, hc, call);
      this.obs.callFinished(call, undefined);
      return res;
    } catch (err) {
      this.obs.callFinished(call, err);
      throw err;
    } finally {
      this.inflight--;
      if (this.inflight === 0) this.drained?.();
    }
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
   * How many more calls needing `bytes` of memory could get a container right now: idle
   * containers plus free memory, none while earlier calls still wait for memory. Lets the async
   * runner take work from its queue only as capacity allows, so queue priorities decide the order.
   */
  roomFor(bytes: number): number {
    if (this.closing) return 0;
    let idle = 0;
    for (const q of this.queues.values()) {
      if (q.waiters.length > q.starting) return 0;
      idle += q.idle.length;
    }
    const free = this.tracker.totalBytes - this.tracker.usedBytes;
    return idle + Math.floor(free / Math.max(1, bytes));
  }

  /** Stops taking calls, lets running calls finish, then removes every container it started. */
  async close(): Promise<void> {
    this.closing = true;
    for (const q of this.queues.values()) {
      for (const w of q.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(Errors.CallTimeoutServerBusy.copy());
      }
    }
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    const all: Promise<void>[] = [];
    for (const q of this.queues.values()) for (const hc of q.all) all.push(this.retire(q, hc));
    await Promise.allSettled(all);
  }

  private queueFor(spec: FunctionSpec): SlotQueue {
    let q = this.queues.get(spec.slotKey);
    if (!q) {
      q = new SlotQueue(spec);
      this.queues.set(spec.slotKey, q);
    }
    return q;
  }

  private waitForContainer(q: SlotQueue, call: AgentCall): Promise<HotContainer> {
    return new Promise<HotContainer>((resolve, reject) => {
      const w: Waiter = {
        call,
        since: Date.now(),
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
      q.waiters.push(w);
      this.scheduleLaunch(q);
    });
  }

  /**
   * With containers of the same function running or starting, a call first waits a moment
   * (`launchGraceMs`) for one to free up; only calls still waiting after that start new ones.
   * Short calls under steady load thus share a few hot containers instead of one each, which
   * on a small machine is both faster and lighter; slow calls still scale out after the grace.
   */
  private scheduleLaunch(q: SlotQueue): void {
    if (q.all.size + q.starting === 0 || this.graceMs === 0) {
      this.launchNeeded(q);
      return;
    }
    this.armLaunchTimer(q);
  }

  private armLaunchTimer(q: SlotQueue): void {
    const oldest = q.waiters[0];
    if (q.launchTimer || !oldest) return;
    q.launchTimer = setTimeout(
      () => {
        q.launchTimer = undefined;
        const cutoff = Date.now() - this.graceMs;
        let overdue = 0;
        while (overdue < q.waiters.length && q.waiters[overdue]!.since <= cutoff) overdue++;
        this.launchNeeded(q, overdue);
        if (q.waiters.length > overdue) this.armLaunchTimer(q);
      },
      Math.max(0, oldest.since + this.graceMs - Date.now()),
    );
  }

  /** Starts containers for up to `demand` waiting calls, beyond those already starting. */
  private launchNeeded(q: SlotQueue, demand = q.waiters.length): void {
    const bytes = reservedBytes(q.spec);
    while (demand > q.starting && !this.closing) {
      if (!this.tracker.tryReserve(bytes)) {
        this.tracker.evictIdleFor(bytes, q.spec.slotKey);
        this.memoryWaiting.add(q);
        return;
      }
      q.starting++;
      this.launch(q, bytes);
    }
  }

  /** Retires idle containers of other functions, least recently used first (an IdleEvictor). */
  private evictIdle(bytes: number, exceptKey: string | undefined): number {
    const candidates: [SlotQueue, HotContainer][] = [];
    for (const q of this.queues.values()) {
      if (q.spec.slotKey === exceptKey) continue;
      for (const hc of q.idle) candidates.push([q, hc]);
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

  private launch(q: SlotQueue, bytes: number): void {
    const spec = q.spec;
    const startedAt = Date.now();
    const p = this.opts.driver
      .start({
        id: randomUUID(),
        image: spec.image,
        memoryMB: spec.memoryMB,
        cpus: spec.cpus,
        env: containerEnv(spec),
        labels: { 'fnode.app_id': spec.appId, 'fnode.fn_id': spec.fnId },
        startTimeoutMs: this.opts.config.hotStartTimeoutMsecs,
        ...(spec.tmpfsSizeMB ? { tmpfsSizeMB: spec.tmpfsSizeMB } : {}),
      })
      .then(
        (container) => {
          q.starting--;
          this.obs.containerStarted(spec, container, startedAt);
          const hc = new HotContainer(container, bytes);
          q.all.add(hc);
          void container.exited.then((exit) => {
            hc.exit = exit;
            if (!hc.busy) void this.retire(q, hc);
          });
          if (this.closing) void this.retire(q, hc);
          else this.handOff(q, hc);
        },
        (err: unknown) => {
          q.starting--;
          this.obs.containerStartFailed(spec, err, startedAt);
          this.tracker.release(bytes);
          const w = q.waiters.shift();
          if (w) {
            clearTimeout(w.timer);
            w.reject(err instanceof ApiError ? err : Errors.ContainerInitFail.copy());
          }
          if (!(err instanceof ApiError)) this.opts.onError?.(err, 'container start');
          if (q.waiters.length > q.starting) this.launchNeeded(q);
        },
      );
    this.track(p);
  }

  /** Gives a free container to the first waiting call, or parks it idle until its idle timeout. */
  private handOff(q: SlotQueue, hc: HotContainer): void {
    if (hc.dead || hc.exit) {
      void this.retire(q, hc);
      return;
    }
    const w = q.waiters.shift();
    if (w) {
      clearTimeout(w.timer);
      hc.busy = true;
      w.resolve(hc);
      return;
    }
    hc.busy = false;
    hc.lastUsed = Date.now();
    q.idle.push(hc);
    hc.armIdle(q.spec.idleTimeoutSecs * 1000, () => void this.retire(q, hc));
  }

  private retire(q: SlotQueue, hc: HotContainer): Promise<void> {
    if (hc.dead) return Promise.resolve();
    q.dropIdle(hc);
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
      this.handOff(q, hc);
      call.reason = 'timeout';
      throw Errors.CallTimeout.copy();
    }
    call.startedAt = Date.now();
    call.containerId = hc.container.dockerId;
    hc.calls++;
    this.obs.callStarted(call, hc.container);
    void hc.container.setLogListener(call.onLog ? (line, stream) => call.onLog?.(line, stream) : undefined);
    let keep = false;
    try {
      const res = await hc.client.call({
        headers: {
          ...call.headers,
          'fn-call-id': call.id,
          'fn-deadline': new Date(call.deadline).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        body: call.body,
        timeoutMs: remaining,
        maxResponseSize: this.opts.config.maxResponseSize,
      });
      if (res.status === 200) {
        keep = true;
        return res;
      }
      if (res.status === 502) {
        keep = true;
        call.reason = 'bad_exit';
        throw Errors.FunctionFailed.copy();
      }
      if (res.status === 504) {
        call.reason = 'timeout';
        throw Errors.CallTimeout.copy();
      }
      call.reason = 'bad_exit';
      throw Errors.FunctionInvalidResponse.copy();
    } catch (e) {
      if (e instanceof CallDeadlineError) call.reason = 'timeout';
      else if (!call.reason) call.reason = await this.exitReason(hc);
      throw e;
    } finally {
      call.completedAt = Date.now();
      const release = (): Promise<void> => {
        // The answer came on the socket; the output comes through Docker and may still be on its way.
        call.logsDone = hc.container.setLogListener(undefined);
        // The observer may extend logsDone (a fresh container's first stats sample).
        this.obs.callEnded(call, hc.container);
        const logsDone = call.logsDone;
        if (keep && !hc.exit) this.handOff(q, hc);
        else {
          hc.busy = false;
          void this.retire(q, hc);
        }
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
