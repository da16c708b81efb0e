import type { AgentConfig } from '../config/index.js';
import { Errors } from '../models/index.js';
import { type AgentObserver, noopObserver } from './agent-observer.js';
import type { ContainerProtocol } from './container-protocol.js';
import type { Driver } from './drivers/index.js';
import { stdioProtocol } from './formats/stdio-exchange.js';
import { type AgentCall, type FunctionSpec, reservedBytes } from './function-spec.js';
import type { HotContainer } from './hot-container.js';
import { httpStreamProtocol } from './http-stream-protocol.js';
import { EventLoopProbe, LaunchPolicy, type LoadProbe } from './launch-policy.js';
import { ResourceTracker } from './resource-tracker.js';
import { SlotQueue, type Waiter } from './slot-queue.js';
import { WarmKeeper } from './warm-keeper.js';
import { ContainerLifecycle } from './container-lifecycle.js';
import { ContainerStarts } from './container-starts.js';
import { executeCall } from './call-execution.js';
import { type CallResult, notRun } from './call-result.js';
import { type AgentStats, agentStats, roomFor } from './capacity.js';

export type { AgentStats };

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
  private readonly life: ContainerLifecycle;
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
    this.life = new ContainerLifecycle(this.queues, this.tracker, opts.onError);
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
        giveTo: (q, hc, w) => this.life.giveTo(q, hc, w),
        handOff: (q, hc) => this.life.handOff(q, hc),
        retire: (q, hc) => this.life.retire(q, hc),
        refillWarm: () => this.warm.refill(),
        warmStartFailed: (q) => this.warm.startFailed(q),
        track: (p) => this.life.track(p),
        get closing() {
          return agent.closingNow;
        },
      },
    });
    this.warm = new WarmKeeper({
      queueFor: (spec) => this.queueFor(spec),
      launch: (q) => this.starts.launchSpare(q),
      retireIdle: (q) => this.life.retireIdle(q),
    });
    this.tracker.addEvictor((bytes, exceptKey) => this.life.evictIdle(bytes, exceptKey));
    this.tracker.onRelease(() => {
      this.starts.memoryReleased();
      this.warm.refill();
    });
  }

  /**
   * Runs a call to completion on a container. Never rejects: the answer, or the error to give the
   * client (an ApiError as Fn answers it), comes back in the result with how the call ran.
   */
  async submit(call: AgentCall): Promise<CallResult> {
    if (this.closingNow) return notRun(Errors.CallTimeoutServerBusy.copy());
    if (!this.tracker.fits(reservedBytes(call.spec))) return notRun(Errors.CallResourceTooBig.copy());
    this.inflight++;
    this.obs.callSubmitted(call);
    let result: CallResult;
    try {
      result = await this.place(call);
    } catch (err) {
      result = notRun(err);
    } finally {
      this.inflight--;
      if (this.inflight === 0 && this.drained) {
        const drained = this.drained;
        this.drained = undefined;
        drained();
      }
    }
    this.obs.callFinished(call, result);
    return result;
  }

  /** Finds the call a container (waiting for one if need be) and runs it there. */
  private async place(call: AgentCall): Promise<CallResult> {
    const q = this.queueFor(call.spec);
    let hc = q.protocol.oneShot ? undefined : q.takeFree();
    let deadline = call.deadline;
    if (!hc) {
      if (!call.background && this.lineIsFull(q)) return notRun(Errors.CallTimeoutServerBusy.copy());
      const since = Date.now();
      hc = await this.waitForContainer(q, call);
      // An async call's timeout is the function's: its wait in line does not count.
      if (call.background) deadline += Date.now() - since;
    }
    return executeCall(q, hc, call, deadline, this.obs, (rq, rhc, keep) => this.life.release(rq, rhc, keep));
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
    return agentStats(this.queues.values(), this.tracker);
  }

  /** See roomFor in capacity.ts: how many more calls needing `bytes` the agent could take now. */
  roomFor(bytes: number): number {
    return this.closingNow ? 0 : roomFor(this.queues.values(), this.tracker, bytes);
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
    await this.life.settled();
    const all: Promise<void>[] = [];
    for (const q of this.queues.values()) for (const hc of q.all) all.push(this.life.retire(q, hc));
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
}
