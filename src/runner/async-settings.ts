import type { Fn } from '../models/index.js';

/** Annotations under `fnode.io/` that shape a fn's async calls. */
export const AsyncAnnotations = {
  retries: 'fnode.io/async-retries',
  backoffMs: 'fnode.io/async-retry-backoff-ms',
  maxEventAgeSecs: 'fnode.io/async-max-event-age-secs',
} as const;

export interface AsyncSettings {
  /** Retries after the first failed attempt (default 0). */
  retries: number;
  /** First retry delay; doubled for each further retry, plus up to 50 % jitter (default 1000). */
  backoffMs: number;
  /** An event older than this is dead-lettered instead of run; 0 = no limit (default). */
  maxEventAgeSecs: number;
}

const MAX_RETRIES = 100;
const MAX_BACKOFF_MS = 3_600_000;

/** Reads the settings; a missing or malformed annotation takes its default. */
export function asyncSettings(fn: Pick<Fn, 'annotations'>): AsyncSettings {
  const a = fn.annotations ?? {};
  return {
    retries: intIn(a[AsyncAnnotations.retries], 0, MAX_RETRIES, 0),
    backoffMs: intIn(a[AsyncAnnotations.backoffMs], 0, MAX_BACKOFF_MS, 1000),
    maxEventAgeSecs: intIn(a[AsyncAnnotations.maxEventAgeSecs], 0, 30 * 86_400, 0),
  };
}

function intIn(v: unknown, min: number, max: number, dflt: number): number {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : dflt;
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: exponential with jitter on
 * top, `backoff * 2^(attempt-1) * (1 + random/2)`, so retries are never closer than the backoff.
 */
export function retryDelayMs(settings: AsyncSettings, attempt: number, random = Math.random()): number {
  const base = settings.backoffMs * 2 ** Math.min(30, Math.max(0, attempt - 1));
  return Math.min(MAX_BACKOFF_MS, Math.round(base * (1 + random / 2)));
}
