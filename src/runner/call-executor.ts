import type { AgentCall, FunctionResponse } from '../agent/index.js';
import { type FunctionSpec, LogBuffer, reservedBytes, specFor } from '../agent/index.js';
import type { Datastore } from '../datastore/index.js';
import {
  ApiError,
  type App,
  type Call,
  type CallReason,
  Errors,
  type Fn,
  isFinalStatus,
  type StatsPoint,
} from '../models/index.js';
import type { MessageQueue, Reservation } from '../queue/message-queue.js';
import { ASYNC, callBody, followUpCall } from './async-call.js';
import type { AsyncCalls } from './async-calls.js';
import { type AsyncSettings, asyncSettings, retryDelayMs } from './async-settings.js';

export interface CallExecutorOptions {
  datastore: Datastore;
  queue: MessageQueue;
  agent: { submit(call: AgentCall): Promise<FunctionResponse> };
  lookup: { fn(id: string): Promise<Fn>; app(id: string): Promise<App> };
  /**
   * [V1] Resolves calls that belong to no fn (route calls, `fn_id` empty): their app, a fn-shaped
   * view of the route (timeouts, annotations) and the spec to run. Throws 404 ApiErrors.
   */
  resolveRoute?: (call: Call) => Promise<{ app: App; fn: Fn; spec: FunctionSpec }>;
  calls: AsyncCalls;
  /** Reservation lease, renewed every third of it while the call runs. */
  leaseMs: number;
  /**
   * How many calls needing `bytes` of memory the agent could start now (Agent.roomFor). A call
   * with no room waits in the queue, not in the agent, where its timeout would run.
   */
  room?: (bytes: number) => number;
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

/** Runs one reserved async call through seed 003's state machine, then acknowledges its job. */
export class CallExecutor {
  constructor(private readonly opts: CallExecutorOptions) {}

  /**
   * `onPlaced` is called once the call is in the agent's hands (or will not be). Resolves
   * 'postponed' when the call was put back in the queue for want of room.
   */
  async execute(r: Reservation, onPlaced: () => void = () => {}): Promise<'done' | 'postponed'> {
    const { datastore: ds, queue } = this.opts;
    const call = await ds.getCallById(r.job.id).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    });
    // Seed 003's double-queue check: the datastore, not the queue, says whether a call is due.
    if (!call || call.type !== ASYNC || isFinalStatus(call.status)) {
      await this.ack(r);
      return 'done';
    }
    // A short renewed lease rather than one as long as the call's timeout (up to an hour async):
    // the calls of a server that died run again within a lease.
    const leaseMs = this.opts.leaseMs;
    if (!(await queue.extend(r, leaseMs))) return 'done';
    const keepAlive = setInterval(() => {
      queue.extend(r, leaseMs).catch((err: unknown) => this.opts.onError?.(err, 'queue extend', call.id));
    }, leaseMs / 3);
    keepAlive.unref();
    try {
      return await this.run(r, call, onPlaced);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async run(r: Reservation, call: Call, onPlaced: () => void): Promise<'done' | 'postponed'> {
    const ds = this.opts.datastore;
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
    if (!this.hasRoom(spec)) {
      await this.postpone(r);
      return 'postponed';
    }
    // queued | delayed -> running; a call found running was left by a server that died mid-call.
    const running: Call = {
      ...call,
      status: 'running',
      runs: (call.runs ?? 0) + 1,
      started_at: new Date().toISOString(),
    };
    try {
      await ds.updateCall(call, running);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
      const now = await ds.getCallById(call.id);
      if (isFinalStatus(now.status)) await this.ack(r);
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
    };
    // Looked at again with no await before the submit: calls placed meanwhile are counted.
    if (!this.hasRoom(spec)) {
      await ds.updateCall(running, call);
      await this.postpone(r);
      return 'postponed';
    }
    let outcome: Outcome;
    try {
      const submitted = this.opts.agent.submit(agentCall);
      onPlaced();
      const res = await submitted;
      await this.storeResponse(call.id, res);
      outcome = { status: 'success', completedAt: agentCall.completedAt ?? Date.now() };
    } catch (err) {
      if (isBusy(err) && agentCall.startedAt === undefined) {
        // Capacity went to others between the look and the submit: the call never ran.
        await ds.updateCall(running, call);
        await this.postpone(r);
        return 'postponed';
      }
      if (!(err instanceof ApiError)) this.opts.onError?.(err, 'async call', call.id);
      const apiErr = err instanceof ApiError ? err : Errors.InternalServerError.copy();
      const reason =
        agentCall.reason ?? (apiErr.message === Errors.CallTimeoutServerBusy.message ? 'timeout' : undefined);
      outcome = {
        status: 'error',
        error: apiErr.message,
        ...(reason ? { reason } : {}),
        completedAt: agentCall.completedAt ?? Date.now(),
      };
    }
    if (agentCall.startedAt) outcome.startedAt = agentCall.startedAt;
    await agentCall.logsDone;
    if (agentCall.stats && agentCall.stats.length > 0) outcome.stats = agentCall.stats;
    if (!log.isEmpty) await ds.insertLogs([{ callId: call.id, log: log.toString() }]);
    if (outcome.status === 'success') {
      await ds.updateCall(running, finished(running, outcome));
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
    await this.opts.datastore.updateCall(from, failed, retry);
    if (retry) await this.opts.calls.push(retry);
    await this.ack(r);
  }

  private hasRoom(spec: FunctionSpec): boolean {
    return !this.opts.room || this.opts.room(reservedBytes(spec)) > 0;
  }

  /** Puts the call back: its job shows again after postponeMs; the call stays as it was. */
  private async postpone(r: Reservation): Promise<void> {
    await this.opts.queue.extend(r, this.opts.postponeMs ?? 250);
  }

  private async storeResponse(callId: string, res: FunctionResponse): Promise<void> {
    const cap = this.opts.maxResponseBytes;
    const truncated = res.body.length > cap;
    await this.opts.datastore.insertCallResponse(callId, {
      status: res.status,
      headers: res.headers,
      body: truncated ? res.body.subarray(0, cap) : res.body,
      truncated,
    });
  }

  private async ack(r: Reservation): Promise<void> {
    try {
      await this.opts.queue.delete(r);
    } catch (err) {
      // A newer reservation holds the job; its holder finds the call final and acknowledges it.
      this.opts.onError?.(err, 'queue delete', r.job.id);
    }
  }
}

function isBusy(err: unknown): boolean {
  return err instanceof ApiError && err.message === Errors.CallTimeoutServerBusy.message;
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
