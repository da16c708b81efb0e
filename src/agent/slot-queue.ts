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

/** The hot containers of one function spec and the calls waiting for one of them. */
export class SlotQueue {
  /** Containers with room for another call, the most recently used last. */
  readonly free: HotContainer[] = [];
  readonly waiters: Waiter[] = [];
  readonly all = new Set<HotContainer>();
  starting = 0;
  launchTimer: NodeJS.Timeout | undefined;
  /** Average time a call spends in a container (ms); 0 until one has run. */
  serviceMs = 0;
  /** Whether serviceMs comes from calls after a container's first (see recordService). */
  private steady = false;
  /** Containers to keep started (`fnode.io/min-hot`); 0 once the spec is no longer kept warm. */
  minHot = 0;
  /** Failed warm-up starts in a row (a broken image backs off). */
  warmFailures = 0;
  warmTimer: NodeJS.Timeout | undefined;
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

  removeWaiter(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /**
   * A container's first call also pays for its runtime warming up (module loading, JIT): tens of
   * ms for a function that then answers in well under one. It stands in only until a later call
   * gives the function's own time, else a burst right after a deploy would scale a fast fn out.
   */
  recordService(ms: number, firstInContainer: boolean): void {
    if (firstInContainer) {
      if (!this.steady) this.serviceMs = this.serviceMs === 0 ? ms : Math.min(this.serviceMs, ms);
      return;
    }
    if (!this.steady) {
      this.steady = true;
      this.serviceMs = ms;
      return;
    }
    this.serviceMs += EWMA_WEIGHT * (ms - this.serviceMs);
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
