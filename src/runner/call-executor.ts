import type { AgentCall, CallSubmitter, FunctionResponse, FunctionSpec } from '../agent/index.js';
import { LogBuffer, neverStarted, specFor } from '../agent/index.js';
import type { CallResponse, Datastore } from '../datastore/index.js';
import {
  ApiError,
  type App,
  type Call,
  type CallReason,
  callError,
  Errors,
  type Fn,
  isError,
  isFinalStatus,
  type StatsPoint,
} from '../models/index.js';
import { type MessageQueue, type Reservation, ReservationLostError } from '../queue/index.js';
import { ASYNC, callBody, followUpCall } from './async-call.js';
import type { AsyncCalls } from './async-calls.js';
import { type AsyncSettings, asyncSettings, retryDelayMs } from './async-settings.js';
import { CallWrites } from './call-writes.js';

export interface CallExecutorOptions {
  datastore: Datastore;
  queue: MessageQueue;
  agent: CallSubmitter;
  lookup: { fn(id: string): Promise<Fn>; app(id: string): Promise<App> };
  /**
   * [V1] Resolves calls that belong to no fn (route calls, `fn_id` empty): their app, a fn-shaped
   * view of the route (timeouts, annotations) and the spec to run. Throws 404 ApiErrors.
   */
  resolveRoute?: (call: Call) => Promise<{ app: App; fn: Fn; spec: FunctionSpec }>;
  calls: AsyncCalls;
  /** Reservation lease, renewed every third of it while the call runs. */
  leaseMs: number;
  /** How long a call put back for want of room stays hidden (default 250 ms). */
  postponeMs?: number;
  maxResponseBytes: number;
  maxLogSizeBytes: number;
  onError?: (err: unknown, context: string, callId: string) => void;
}

interface Outcome {
  status: 'success' | 'error';
  error?: string;
  reason?: CallReason;
  startedAt?: number;
  completedAt: number;
  /** Seed 001 samples of the container while it ran the call. */
  stats?: StatsPoint[];
}

export type ExecutionResult = 'done' | 'postponed';

/**
 * Runs reserved async calls through seed 003's state machine, then acknowledges their jobs. The
 * calls of a batch of reservations are read in one query, and their writes are grouped with those
 * of the other calls that end at the same time (CallWrites).
 */
export class CallExecutor {
  private readonly writes: CallWrites;
  private abandoned = false;
  /** Calls this node runs now, by id. */
  private readonly running = new Set<string>();

  constructor(private readonly opts: CallExecutorOptions) {
    this.writes = new CallWrites(opts.datastore, opts.queue);
  }

  /**
   * The server stops before its calls end: a call that ends from now on (its container removed)
   * records nothing, and its reservation runs out, so it runs again on another node or after
   * the restart, as after a crash.
   */
  abandon(): void {
    this.abandoned = true;
  }

  /**
   * Runs each reservation's call; `onPlaced(r)` is called once its call is in the agent's hands
   * (or will not be). Resolves, per reservation, 'postponed' when the call was put back in the
   * queue for want of room.
   */
  executeAll(rs: readonly Reservation[], onPlaced: (r: Reservation) => void): Promise<ExecutionResult>[] {
    const calls = this.opts.datastore
      .getCallsByIds(rs.map((r) => r.job.id))
      .then((found) => new Map(found.map((c) => [c.id, c])));
    return rs.map(async (r) => {
      try {
        return await this.execute(r, (await calls).get(r.job.id), () => onPlaced(r));
      } finally {
        onPlaced(r);
      }
    });
  }

  private async execute(
    r: Reservation,
    call: Call | undefined,
    onPlaced: () => void,
  ): Promise<ExecutionResult> {
    // Seed 003's double-queue check: the datastore, not the queue, says whether a call is due.
    // A second job of a call this node runs (pushed again after the queue lost its jobs) goes.
    if (!call || call.type !== ASYNC || isFinalStatus(call.status) || this.running.has(call.id)) {
      await this.ack(r);
      return 'done';
    }
    // A call another node started within a lease is running there: its job came back only
    // because the queue lost it. Looked at again once that node's lease would have run out.
    const runningFor =
      call.status === 'running' ? Date.now() - Date.parse(call.started_at ?? '') : Number.NaN;
    if (runningFor < this.opts.leaseMs) {
      await this.opts.queue.extend(r, Math.max(300, this.opts.leaseMs - runningFor));
      return 'done';
    }
    this.running.add(call.id);
    try {
      return await this.leased(r, call, onPlaced);
    } finally {
      this.running.delete(call.id);
    }
  }

  private async leased(r: Reservation, call: Call, onPlaced: () => void): Promise<ExecutionResult> {
    // A short renewed lease rather than one as long as the call's timeout (up to an hour async):
    // the calls of a server that died run again within a lease.
    const leaseMs = this.opts.leaseMs;
    const keepAlive = setInterval(() => {
      this.opts.queue
        .extend(r, leaseMs)
        .catch((err: unknown) => this.opts.onError?.(err, 'queue extend', call.id));
    }, leaseMs / 3);
    keepAlive.unref();
    try {
      return await this.run(r, call, onPlaced);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async run(r: Reservation, call: Call, onPlaced: () => void): Promise<ExecutionResult> {
    let app: App;
    let fn: Fn;
    let routeSpec: FunctionSpec | undefined;
    try {
      if (!call.fn_id && call.path && this.opts.resolveRoute) {
        ({ app, fn, spec: routeSpec } = await this.opts.resolveRoute(call));
      } else {
        fn = await this.opts.lookup.fn(call.fn_id);
        app = await this.opts.lookup.app(fn.app_id);
      }
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      await this.fail(r, call, { status: 'error', error: err.message, completedAt: Date.now() }, undefined);
      return 'done';
    }
    const settings = asyncSettings(fn);
    if (expired(call, settings, Date.now())) {
      const error = `event expired: older than fnode.io/async-max-event-age-secs (${settings.maxEventAgeSecs} s)`;
      await this.fail(r, call, { status: 'error', error, completedAt: Date.now() }, undefined);
      return 'done';
    }
    const spec = routeSpec ?? specFor(app, fn);
    // queued | delayed -> running; a call found running was left by a server that died mid-call.
    const running: Call = {
      ...call,
      status: 'running',
      runs: (call.runs ?? 0) + 1,
      started_at: new Date().toISOString(),
    };
    if (!(await this.writes.change({ from: call, to: running }))) {
      const now = await this.opts.datastore.getCallById(call.id).catch(() => undefined);
      if (!now || isFinalStatus(now.status)) await this.ack(r);
      return 'done';
    }
    const log = new LogBuffer(this.opts.maxLogSizeBytes);
    const agentCall: AgentCall = {
      id: call.id,
      spec,
      headers: call.headers ?? {},
      body: callBody(call),
      deadline: Date.now() + (call.timeout ?? fn.timeout) * 1000,
      onLog: log.push,
      background: true,
    };
    const submitted = this.opts.agent.submit(agentCall);
    onPlaced();
    const result = await submitted;
    const err = result.error;
    if (result.response === undefined && isBusy(err) && neverStarted(result)) {
      // The agent is closing, or capacity went to others for the call's whole timeout: it never ran.
      await this.writes.change({ from: running, to: call });
      await this.postpone(r);
      return 'postponed';
    }
    let outcome: Outcome;
    let response: CallResponse | undefined;
    if (result.response !== undefined) {
      response = this.capped(result.response);
      outcome = { status: 'success', completedAt: result.completedAt ?? Date.now() };
    } else {
      if (!(err instanceof ApiError)) this.opts.onError?.(err, 'async call', call.id);
      const apiErr = err instanceof ApiError ? err : Errors.InternalServerError.copy();
      const reason = result.reason ?? (isError(apiErr, 'CallTimeoutServerBusy') ? 'timeout' : undefined);
      outcome = {
        status: 'error',
        error: callError(apiErr.message, reason),
        ...(reason ? { reason } : {}),
        completedAt: result.completedAt ?? Date.now(),
      };
    }
    if (this.abandoned && outcome.status === 'error') return 'done';
    if (result.startedAt) outcome.startedAt = result.startedAt;
    const stats = await result.finished;
    if (stats && stats.length > 0) outcome.stats = stats;
    // A log that cannot be stored costs only the log; the call's record still ends.
    if (!log.isEmpty) {
      this.writes
        .log({ callId: call.id, log: log.toString() })
        .catch((err: unknown) => this.opts.onError?.(err, 'storing the log', call.id));
    }
    if (outcome.status === 'success') {
      await this.writes.change({
        from: running,
        to: finished(running, outcome),
        ...(response ? { response } : {}),
      });
      await this.ack(r);
    } else {
      await this.fail(r, running, outcome, settings);
    }
    return 'done';
  }

  /** Records a failure, then retries it as a new call or dead-letters it. */
  private async fail(
    r: Reservation,
    from: Call,
    outcome: Outcome,
    settings: AsyncSettings | undefined,
  ): Promise<void> {
    const now = Date.now();
    const attempt = from.attempt ?? 1;
    let retry: Call | undefined;
    if (settings && attempt <= settings.retries) {
      const next = followUpCall(from, 'retry', retryDelayMs(settings, attempt), now);
      if (!expired(next, settings, Date.parse(next.run_at ?? next.created_at))) retry = next;
    }
    const failed = finished(from, outcome);
    if (!retry) failed.dead_letter = true;
    // One transaction: a server killed here leaves either the running attempt (which runs again)
    // or the failed one with its retry stored; the retry's push is redone at start (reconcile).
    const applied = await this.writes.change({ from, to: failed, ...(retry ? { next: retry } : {}) });
    if (applied && retry) await this.opts.calls.push(retry);
    await this.ack(r);
  }

  /** Puts the call back: its job shows again after postponeMs; the call stays as it was. */
  private async postpone(r: Reservation): Promise<void> {
    await this.opts.queue.extend(r, this.opts.postponeMs ?? 250);
  }

  private capped(res: FunctionResponse): CallResponse {
    const cap = this.opts.maxResponseBytes;
    const truncated = res.body.length > cap;
    return {
      status: res.status,
      headers: res.headers,
      body: truncated ? res.body.subarray(0, cap) : res.body,
      truncated,
    };
  }

  private async ack(r: Reservation): Promise<void> {
    // A newer reservation holds the job; its holder finds the call final and acknowledges it.
    if (!(await this.writes.ack(r)))
      this.opts.onError?.(new ReservationLostError(r.job.id), 'queue delete', r.job.id);
  }
}

function isBusy(err: unknown): boolean {
  return isError(err, 'CallTimeoutServerBusy');
}

function finished(from: Call, o: Outcome): Call {
  const call: Call = { ...from, status: o.status, completed_at: new Date(o.completedAt).toISOString() };
  if (o.startedAt) {
    call.started_at = new Date(o.startedAt).toISOString();
    call.execution_duration = (o.completedAt - o.startedAt) * 1e6;
  }
  if (o.error) call.error = o.error;
  if (o.reason) call.reason = o.reason;
  if (o.stats) call.stats = o.stats;
  return call;
}

function expired(call: Call, s: AsyncSettings, at: number): boolean {
  if (s.maxEventAgeSecs <= 0) return false;
  const eventAt = Date.parse(call.event_at ?? call.created_at);
  return at - eventAt > s.maxEventAgeSecs * 1000;
}
