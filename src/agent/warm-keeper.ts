import type { FunctionSpec } from './function-spec.js';
import type { SlotQueue } from './slot-queue.js';

export interface WarmKeeperHost {
  queueFor(spec: FunctionSpec): SlotQueue;
  /** Starts a container of `q` no call waits for; false when memory is short. */
  launch(q: SlotQueue): boolean;
  /** Removes the idle containers of `q` beyond its min-hot. */
  retireIdle(q: SlotQueue): void;
}

/** First retry of a failed warm-up start; doubled per failure, at most MAX_BACKOFF_MS. */
const BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps `fnode.io/min-hot` containers started for the specs it is given: after a change, after
 * a container dies or is removed, and whenever memory comes back. A spec that fails to start
 * (a missing image, say) is retried with a growing backoff.
 */
export class WarmKeeper {
  private kept = new Map<string, SlotQueue>();

  constructor(private readonly host: WarmKeeperHost) {}

  set(specs: readonly FunctionSpec[]): void {
    const next = new Map<string, SlotQueue>();
    for (const spec of specs) {
      if (spec.minHot <= 0) continue;
      const q = this.host.queueFor(spec);
      q.minHot = spec.minHot;
      q.unkept = false;
      next.set(spec.slotKey, q);
    }
    for (const [key, q] of this.kept) {
      if (next.has(key)) continue;
      q.minHot = 0;
      q.unkept = true;
      if (q.warmTimer) clearTimeout(q.warmTimer);
      q.warmTimer = undefined;
      this.host.retireIdle(q);
    }
    this.kept = next;
    this.refill();
  }

  /** Starts what is missing, memory permitting. */
  refill(): void {
    for (const q of this.kept.values()) {
      if (q.warmTimer) continue;
      while (q.all.size + q.starting < q.minHot) if (!this.host.launch(q)) break;
    }
  }

  startFailed(q: SlotQueue): void {
    if (this.kept.get(q.spec.slotKey) !== q || q.warmTimer) return;
    q.warmFailures++;
    const delay = Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** Math.min(10, q.warmFailures - 1));
    q.warmTimer = setTimeout(() => {
      q.warmTimer = undefined;
      this.refill();
    }, delay);
    q.warmTimer.unref();
  }

  close(): void {
    for (const q of this.kept.values()) {
      if (q.warmTimer) clearTimeout(q.warmTimer);
      q.warmTimer = undefined;
    }
    this.kept.clear();
  }
}
