import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SlotQueue } from './slot-queue.js';

/** How long a ready callback waits for fnode's own event loop: the server's queueing, not the function's. */
export interface LoadProbe {
  /** Recent mean event-loop delay in ms. */
  loopDelayMs(): number;
  close(): void;
}

/** Mean event-loop delay over the last full window (1 s by default). */
export class EventLoopProbe implements LoadProbe {
  private readonly histogram = monitorEventLoopDelay({ resolution: 5 });
  private last = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs = 1000) {
    this.histogram.enable();
    this.timer = setInterval(() => {
      const mean = this.histogram.mean;
      // The histogram counts the sampling interval in each delay.
      this.last = Number.isFinite(mean) ? Math.max(0, mean / 1e6 - 5) : 0;
      this.histogram.reset();
    }, windowMs);
    this.timer.unref();
  }

  loopDelayMs(): number {
    return this.last;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

export interface LaunchPolicyOptions {
  /** The longest a call waits for a busy container of its fn before another one starts. */
  graceMs: number;
  probe: LoadProbe;
  now?: () => number;
}

/** A call shorter than this is bounded by the server, never by one container. */
const MIN_SERVICE_MS = 1;
/** Containers are the bottleneck when a call spends this many times the loop delay in one. */
const LOOP_FACTOR = 4;

/**
 * Decides when waiting calls need another container. A container is started only when the
 * containers are what the calls wait for: their calls take long compared with the delay of
 * fnode's own event loop (under load, a fast function's calls queue for the server, and another
 * container would only take CPU from it). Then a call waits at most its fn's service time,
 * and never longer than the grace, before a container starts for it; slow functions scale out.
 */
export class LaunchPolicy {
  readonly now: () => number;

  constructor(private readonly opts: LaunchPolicyOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** How long a call may wait for a busy container of `q` before a launch is considered. */
  patienceMs(q: SlotQueue): number {
    if (q.serviceMs <= 0) return this.opts.graceMs;
    return Math.min(this.opts.graceMs, Math.max(MIN_SERVICE_MS, q.serviceMs));
  }

  /** How many of `q`'s waiting calls warrant a container now (those already starting included). */
  demand(q: SlotQueue): number {
    if (this.opts.graceMs === 0) return q.waiters.length;
    const now = this.now();
    if (!this.containersAreBottleneck(q, now)) return 0;
    const cutoff = now - this.patienceMs(q);
    let overdue = 0;
    while (overdue < q.waiters.length && q.waiters[overdue]!.since <= cutoff) overdue++;
    return overdue;
  }

  /**
   * The function's own time per call: its average, or, when longer, how long every full
   * container has been on its newest call (a slow call in progress counts before it ends).
   */
  serviceMs(q: SlotQueue, now = this.now()): number {
    let running = Number.POSITIVE_INFINITY;
    for (const hc of q.all) if (hc.full) running = Math.min(running, now - hc.lastCallAt);
    return Math.max(q.serviceMs, Number.isFinite(running) ? running : 0);
  }

  containersAreBottleneck(q: SlotQueue, now = this.now()): boolean {
    const floor = Math.max(MIN_SERVICE_MS, LOOP_FACTOR * this.opts.probe.loopDelayMs());
    return this.serviceMs(q, now) >= floor;
  }
}
