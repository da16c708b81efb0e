import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../models/index.js';

export const MAX_ASYNC_DELAY_SECS = 86_400;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The async options of a request, from its `Fn-Async-*` and `Idempotency-Key` headers. */
export interface AsyncHeaders {
  delaySecs: number;
  priority: number;
  idempotencyKey?: string;
}

function single(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? undefined : s.trim();
}

/** Validates the async headers before anything is looked up; throws 400s that say what to send. */
export function parseAsyncHeaders(h: IncomingHttpHeaders): AsyncHeaders {
  const delay = single(h['fn-async-delay']);
  let delaySecs = 0;
  if (delay !== undefined && delay !== '') {
    delaySecs = /^\d{1,6}$/.test(delay) ? Number(delay) : Number.NaN;
    if (!(delaySecs <= MAX_ASYNC_DELAY_SECS)) {
      throw new ApiError(
        400,
        `Invalid Fn-Async-Delay header: "${delay.slice(0, 40)}" (use whole seconds from 0 to ${MAX_ASYNC_DELAY_SECS})`,
      );
    }
  }
  const prio = single(h['fn-async-priority']);
  let priority = 0;
  if (prio !== undefined && prio !== '') {
    if (!/^[0-2]$/.test(prio)) {
      throw new ApiError(
        400,
        `Invalid Fn-Async-Priority header: "${prio.slice(0, 40)}" (use 0 for low, 1 for normal or 2 for high)`,
      );
    }
    priority = Number(prio);
  }
  const key = single(h['idempotency-key']);
  if (key !== undefined && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ApiError(
      400,
      `Invalid Idempotency-Key header: ${key.length} characters long (at most ${MAX_IDEMPOTENCY_KEY_LENGTH})`,
    );
  }
  return { delaySecs, priority, ...(key ? { idempotencyKey: key } : {}) };
}
