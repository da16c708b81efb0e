import type { CallReason, StatsPoint } from '../models/index.js';
import type { FunctionResponse } from './http-stream.js';

/**
 * What became of a call in the agent, written once by the agent and only read by its caller:
 * the function's answer or the error, when it ran, why it failed, and (later) its output and
 * statistics.
 */
export interface CallResult {
  /** The function's answer, when the call succeeded. */
  readonly response?: FunctionResponse;
  /** Why the call failed (an ApiError for the client, as Fn answers it); undefined on success. */
  readonly error?: unknown;
  /** Epoch ms the call was sent to its container; undefined when it never was. */
  readonly startedAt?: number;
  readonly completedAt?: number;
  /** Seed 005's reason of a failure that happened in the container. */
  readonly reason?: CallReason;
  /** Docker id of the container that served the call. */
  readonly containerId?: string;
  /**
   * Resolves once every line the call wrote has reached its `onLog`, with the container's
   * resource samples while it ran (seed 001), when they are kept. Never rejects.
   */
  readonly finished: Promise<StatsPoint[] | undefined>;
}

const NOTHING_MORE: Promise<undefined> = Promise.resolve(undefined);

/** A call that failed before it was sent to a container (or, with `reason`, that was not started). */
export function notRun(error: unknown, reason?: CallReason): CallResult {
  return reason ? { error, reason, finished: NOTHING_MORE } : { error, finished: NOTHING_MORE };
}

/** Whether the call never reached a container: nothing of it ran, so it may be tried again. */
export function neverStarted(r: CallResult): boolean {
  return r.startedAt === undefined;
}
