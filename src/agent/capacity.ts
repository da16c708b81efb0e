import type { ResourceTracker } from './resource-tracker.js';
import type { SlotQueue } from './slot-queue.js';

/** What the agent holds now (metrics gauges, /health). */
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

/** Containers, busy ones, starts, waiting calls and memory, over every pool. */
export function agentStats(queues: Iterable<SlotQueue>, tracker: ResourceTracker): AgentStats {
  let containers = 0;
  let busy = 0;
  let starting = 0;
  let waiting = 0;
  for (const q of queues) {
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
    memoryUsedBytes: tracker.usedBytes,
    memoryTotalBytes: tracker.totalBytes,
  };
}

/**
 * How many more calls needing `bytes` of memory the agent could take right now: free slots,
 * free memory, and a short line of PIPELINE calls per slot (so that a container never idles
 * while the async runner stores one call and fetches the next); none once a line is longer.
 * Lets the async runner take work from its queue only as capacity allows, so queue priorities
 * decide the order.
 */
export function roomFor(queues: Iterable<SlotQueue>, tracker: ResourceTracker, bytes: number): number {
  let slots = 0;
  for (const q of queues) {
    const line = q.waiters.length - q.starting * q.capacity;
    const allowed = PIPELINE * q.all.size * q.capacity;
    if (line > allowed) return 0;
    slots += allowed - Math.max(0, line);
    for (const hc of q.free) slots += hc.capacity - hc.active;
  }
  const free = tracker.totalBytes - tracker.usedBytes;
  return slots + Math.floor(free / Math.max(1, bytes));
}
