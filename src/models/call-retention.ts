import { ApiError } from './api-error.js';
import type { Annotations } from './annotations.js';

/** A fn's own call retention, in seconds: its calls are kept at most this long (or the default). */
export const CallRetentionAnnotation = 'fnode.io/call-retention-secs';

/** Ten years: a longer retention is a typo, not a plan. */
const MAX_RETENTION_SECS = 10 * 366 * 86_400;

/** The annotation's seconds (a non-negative integer, as a number or a string of digits), else undefined. */
export function parseRetentionSecs(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= MAX_RETENTION_SECS ? n : undefined;
}

/**
 * Refuses a malformed `fnode.io/call-retention-secs` with a 400; an empty value (which deletes
 * the key in an update) passes.
 */
export function validateCallRetention(annotations: Annotations | undefined): void {
  const v = annotations?.[CallRetentionAnnotation];
  if (v === undefined || v === null || v === '') return;
  if (parseRetentionSecs(v) === undefined) {
    throw new ApiError(
      400,
      `Invalid annotation ${CallRetentionAnnotation}: must be a whole number of seconds from 0 to ${MAX_RETENTION_SECS}`,
    );
  }
}

/**
 * How long a fn's calls are kept, in seconds (0 = forever): the annotation can only shorten the
 * server's retention; 0 or a malformed value leaves the server's.
 */
export function effectiveRetentionSecs(defaultSecs: number, annotations: Annotations | undefined): number {
  const own = parseRetentionSecs(annotations?.[CallRetentionAnnotation]);
  if (own === undefined || own === 0) return defaultSecs;
  return defaultSecs === 0 ? own : Math.min(own, defaultSecs);
}
