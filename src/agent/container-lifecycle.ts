import type { HotContainer } from './hot-container.js';
import type { ResourceTracker } from './resource-tracker.js';
import type { SlotQueue, Waiter } from './slot-queue.js';

/**
 * What becomes of a container between calls: handed to the calls waiting for its function,
 * parked idle until its idle timeout (min-hot keeps it), evicted for another function's memory,
 * or removed. It owns the removals in flight, which the agent's close waits for.
 */
export class ContainerLifecycle {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly queues: Map<string, SlotQueue>,
    private readonly tracker: ResourceTracker,
    private readonly onError?: (err: unknown, context: string) => void,
  ) {}

  /** Retires idle containers of other functions, least recently used first (an IdleEvictor). */
  evictIdle(bytes: number, exceptKey: string | undefined): number {
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
  retireIdle(q: SlotQueue): void {
    let spare = q.all.size - q.minHot;
    for (const hc of [...q.free]) if (!hc.busy && spare-- > 0) void this.retire(q, hc);
  }

  /** A one-shot container goes to the call it was started for, if that call still waits. */
  giveTo(q: SlotQueue, hc: HotContainer, w: Waiter): void {
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
  handOff(q: SlotQueue, hc: HotContainer): void {
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
    if (q.unkept && !hc.busy) {
      void this.retire(q, hc);
      return;
    }
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

  retire(q: SlotQueue, hc: HotContainer): Promise<void> {
    if (hc.dead) return Promise.resolve();
    q.dropFree(hc);
    q.all.delete(hc);
    const p = hc
      .destroy()
      .catch((err: unknown) => this.onError?.(err, 'container removal'))
      .finally(() => {
        this.tracker.release(hc.memoryBytes);
        if (q.isUnused && this.queues.get(q.spec.slotKey) === q) this.queues.delete(q.spec.slotKey);
      });
    this.track(p);
    return p;
  }

  /** A call left `hc`: it serves the next one, or goes (a broken or one-shot container). */
  release(q: SlotQueue, hc: HotContainer, keep: boolean): void {
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

  track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves once every removal and start handed to {@link track} has settled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
