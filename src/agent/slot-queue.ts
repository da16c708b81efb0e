import type { ContainerProtocol } from './container-protocol.js';
import type { AgentCall, FunctionSpec } from './function-spec.js';
import type { HotContainer } from './hot-container.js';

export interface Waiter {
  call: AgentCall;
  /** When the call started waiting (epoch ms). */
  since: number;
  resolve(hc: HotContainer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  /** One-shot formats: a container is being started for this call. */
  launched?: boolean;
}

/** Weight of the newest call in the service-time average. */
const EWMA_WEIGHT = 0.2;
/** How long a waiting async call lets sync calls go first; then it keeps its place (no starving). */
const BACKGROUND_YIELD_MS = 1000;

/** The hot containers of one function spec and the calls waiting for one of them. */
export class SlotQueue {
  /** Containers with room for another call, the most recently used last. */
  readonly free: HotContainer[] = [];
  readonly waiters: Waiter[] = [];
  readonly all = new Set<HotContainer>();
  starting = 0;
  launchTimer: NodeJS.Timeout | undefined;
  /** Time a call spends in a container (ms; see recordService); 0 until one has run. */
  serviceMs = 0;
  /** Containers to keep started (`fnode.io/min-hot`); 0 once the spec is no longer kept warm. */
  minHot = 0;
  /** Failed warm-up starts in a row (a broken image backs off). */
  warmFailures = 0;
  warmTimer: NodeJS.Timeout | undefined;
  /**
   * Its warm containers were dropped (the fn was edited or deleted, or its min-hot removed): a
   * container still starting then goes as soon as it is up and idle, as the started ones did.
   */
  unkept = false;
  readonly capacity: number;

  constructor(
    readonly spec: FunctionSpec,
    readonly protocol: ContainerProtocol,
  ) {
    this.capacity = Math.max(1, protocol.capacity(spec));
  }

  /** The most recently used container with room: its caches are warmest, and calls pack onto few containers. */
  takeFree(): HotContainer | undefined {
    const hc = this.free[this.free.length - 1];
    if (!hc) return undefined;
    hc.disarmIdle();
    hc.active++;
    if (hc.full) this.free.pop();
    return hc;
  }

  /** Puts a container that has room back in the free list (once). */
  offer(hc: HotContainer): void {
    if (!hc.full && !this.free.includes(hc)) this.free.push(hc);
  }

  dropFree(hc: HotContainer): void {
    const i = this.free.indexOf(hc);
    if (i >= 0) this.free.splice(i, 1);
  }

  /** Queues a call for a container: in arrival order, sync calls before young async ones. */
  addWaiter(w: Waiter): void {
    let i = this.waiters.length;
    if (!w.call.background) {
      const young = w.since - BACKGROUND_YIELD_MS;
      while (i > 0) {
        const prev = this.waiters[i - 1]!;
        if (!prev.call.background || prev.since <= young) break;
        i--;
      }
    }
    if (i === this.waiters.length) this.waiters.push(w);
    else this.waiters.splice(i, 0, w);
  }

  /** When the longest-waiting call began to wait (sync calls may stand before older async ones). */
  oldestWaitSince(): number | undefined {
    let oldest: number | undefined;
    for (const w of this.waiters) if (oldest === undefined || w.since < oldest) oldest = w.since;
    return oldest;
  }

  removeWaiter(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /**
   * The fn's service time is that of its fastest warm container: a container's first calls also
   * pay for its runtime warming up (module loading, JIT), tens of ms for a function that then
   * answers in well under one, and a burst right after a deploy, or a long line of async calls,
   * would otherwise scale a fast fn out onto containers that are only slow because they are new.
   * A first call stands in only until a container has a second.
   */
  recordService(hc: HotContainer, ms: number): void {
    if (hc.calls <= 1) {
      let warm = false;
      for (const o of this.all) if (o.serviceMs > 0) warm = true;
      if (!warm) this.serviceMs = this.serviceMs === 0 ? ms : Math.min(this.serviceMs, ms);
      return;
    }
    hc.serviceMs = hc.serviceMs === 0 ? ms : hc.serviceMs + EWMA_WEIGHT * (ms - hc.serviceMs);
    let best = hc.serviceMs;
    for (const o of this.all) if (o.serviceMs > 0 && o.serviceMs < best) best = o.serviceMs;
    this.serviceMs = best;
  }

  get busyCount(): number {
    let n = 0;
    for (const hc of this.all) if (hc.busy) n++;
    return n;
  }

  get idleCount(): number {
    let n = 0;
    for (const hc of this.free) if (!hc.busy) n++;
    return n;
  }

  get isUnused(): boolean {
    return this.all.size === 0 && this.starting === 0 && this.waiters.length === 0 && this.minHot === 0;
  }
}
