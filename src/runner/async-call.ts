import { type App, type Call, type Fn, Limits, newId, withoutSecretHeaders } from '../models/index.js';

/** An accepted `Fn-Invoke-Type: async` request, validated. */
export interface AsyncRequest {
  app: App;
  fn: Fn;
  triggerId?: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  method: string;
  url: string;
  /** Seconds before the call may run (0..86400). */
  delaySecs: number;
  /** 0 (low) .. 2 (high). */
  priority: number;
  /** [V1] a route call: the route's path and format (default http-stream). */
  path?: string;
  format?: string;
}

export const ASYNC = 'async';

/**
 * The durable record of a new async call: `queued`, or `delayed` with a delay. It keeps what the
 * call needs to run, but no secrets: not the app's and fn's config (read from them when the call
 * runs), and not the credential headers (`Authorization`, `Cookie`, ...), which the function of an
 * async call therefore never sees.
 */
export function newAsyncCall(req: AsyncRequest, now = Date.now()): Call {
  const created = new Date(now).toISOString();
  const text = req.body.toString('utf8');
  // Text is stored as it is, unless PostgreSQL's `text` could not hold it (U+0000): base64 then.
  const isText =
    Buffer.byteLength(text) === req.body.length &&
    Buffer.from(text, 'utf8').equals(req.body) &&
    !text.includes('\u0000');
  const call: Call = {
    id: newId(),
    status: req.delaySecs > 0 ? 'delayed' : 'queued',
    app_id: req.app.id,
    app_name: req.app.name,
    fn_id: req.fn.id,
    trigger_id: req.triggerId ?? '',
    image: req.fn.image,
    type: ASYNC,
    format: req.format ?? 'http-stream',
    ...(req.path ? { path: req.path } : {}),
    memory: req.fn.memory,
    timeout: Math.min(req.fn.timeout, Limits.MaxAsyncTimeoutSecs),
    idle_timeout: req.fn.idle_timeout,
    priority: req.priority,
    headers: Object.fromEntries(
      Object.entries(withoutSecretHeaders(req.headers)).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
    ),
    method: req.method,
    url: req.url,
    payload: isText ? text : req.body.toString('base64'),
    created_at: created,
    attempt: 1,
    event_at: created,
    run_at: new Date(now + req.delaySecs * 1000).toISOString(),
  };
  if (!isText) call.payload_encoding = 'base64';
  return call;
}

/** The request body a call carries. */
export function callBody(call: Call): Buffer {
  return Buffer.from(call.payload ?? '', call.payload_encoding === 'base64' ? 'base64' : 'utf8');
}

/** Milliseconds until a stored call may run. */
export function remainingDelayMs(call: Call, now = Date.now()): number {
  return call.run_at ? Math.max(0, Date.parse(call.run_at) - now) : 0;
}

/**
 * A new call that runs `prev`'s request again (seed 003: a retry creates a new call). A retry
 * keeps the event time; a redrive starts the event afresh with a full retry budget.
 */
export function followUpCall(prev: Call, kind: 'retry' | 'redrive', delayMs: number, now = Date.now()): Call {
  const {
    started_at: _s,
    completed_at: _c,
    error: _e,
    reason: _r,
    stats: _st,
    execution_duration: _d,
    runs: _n,
    dead_letter: _dl,
    config: _config,
    headers,
    ...request
  } = prev;
  const created = new Date(now).toISOString();
  // A record stored before fnode dropped them may still carry secrets: its follow-up does not.
  return {
    ...request,
    ...(headers ? { headers: withoutSecretHeaders(headers) } : {}),
    id: newId(),
    status: delayMs > 0 ? 'delayed' : 'queued',
    created_at: created,
    retry_of: prev.id,
    attempt: kind === 'retry' ? (prev.attempt ?? 1) + 1 : 1,
    event_at: kind === 'retry' ? (prev.event_at ?? prev.created_at) : created,
    run_at: new Date(now + delayMs).toISOString(),
  };
}
