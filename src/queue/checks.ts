import type { QueueJob } from './message-queue.js';

/** Fn's call priorities: 0 (low) to 2 (high). */
export const MAX_PRIORITY = 2;

/** Rejects what an adapter could not order or time (both backends share these rules). */
export function checkPush(job: QueueJob, delayMs: number): void {
  if (typeof job.id !== 'string' || job.id === '' || job.id.length > 64)
    throw new RangeError(`queue job id must be 1 to 64 characters, got "${job.id}"`);
  if (!Number.isInteger(job.priority) || job.priority < 0 || job.priority > MAX_PRIORITY)
    throw new RangeError(
      `queue job priority must be an integer from 0 to ${MAX_PRIORITY}, got ${job.priority}`,
    );
  if (!Number.isFinite(delayMs) || delayMs < 0)
    throw new RangeError(`queue delay must be a finite number of ms >= 0, got ${delayMs}`);
}

export function checkVisibility(visibilityMs: number): void {
  if (!Number.isFinite(visibilityMs) || visibilityMs <= 0)
    throw new RangeError(`queue visibility must be a finite number of ms > 0, got ${visibilityMs}`);
}

export function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`queue reserve count must be an integer >= 1, got ${max}`);
}
