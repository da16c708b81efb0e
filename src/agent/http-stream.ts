import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { ApiError, Errors } from '../models/index.js';

const require = createRequire(import.meta.url);
let undici: typeof import('undici') | undefined;

/** undici, loaded at the first container rather than at start: a server that runs no function never loads it. */
function undiciModule(): typeof import('undici') {
  undici ??= require('undici') as typeof import('undici');
  return undici;
}

/** What the function answered on its socket. */
export interface FunctionResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface HttpStreamRequest {
  /** An object, or a flat list of names and values (undici's cheapest form). */
  headers: Record<string, string | string[]> | string[];
  body: Buffer;
  /** Time left before the call's deadline; past it the call fails with CallDeadlineError. */
  timeoutMs: number;
  /** 0 = unlimited. */
  maxResponseSize: number;
}

/** Thrown when the call's deadline passed; the container must be killed. */
export class CallDeadlineError extends ApiError {
  constructor() {
    super(Errors.CallTimeout.status, Errors.CallTimeout.message);
  }
}

/**
 * Fn's http-stream contract: `POST /call` on the function's unix socket, over kept-alive
 * connections: one (one call at a time, Fn's behaviour) or up to `connections` for a function
 * that serves calls concurrently (`fnode.io/max-concurrency`).
 *
 * Uses undici's dispatch handler API rather than `request()`: the answer is collected straight
 * from the parser, without a body stream, an async iterator and an AbortSignal per call (about
 * a tenth of fnode's own time on a hot call).
 */
export class HttpStreamClient {
  private readonly client: Dispatcher;
  /** Calls sent and not yet settled (up to the container's max-concurrency). */
  private readonly inflight: ResponseCollector[] = [];
  /**
   * One timer watches the deadlines, re-armed only when it fires early or a call's deadline
   * comes sooner: successive calls of a function end their deadlines later and later, so a hot
   * container's calls set no timer of their own.
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** performance.now() at which deadlineTimer fires. */
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(socketPath: string, connections = 1) {
    const options = {
      socketPath,
      pipelining: 1,
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    const { Client, Pool } = undiciModule();
    this.client =
      connections > 1
        ? new Pool('http://localhost', { ...options, connections })
        : new Client('http://localhost', options);
  }

  call(req: HttpStreamRequest): Promise<FunctionResponse> {
    return new Promise<FunctionResponse>((resolve, reject) => {
      const deadline = performance.now() + Math.max(0, req.timeoutMs);
      const handler = new ResponseCollector(req.maxResponseSize, deadline, resolve, reject, this.settled);
      this.inflight.push(handler);
      if (deadline < this.timerAt) this.armDeadline(deadline);
      this.client.dispatch({ path: '/call', method: 'POST', headers: req.headers, body: req.body }, handler);
    });
  }

  /**
   * One `GET /` on a kept-alive connection: the FDKs answer anything but `POST /call` with a 400
   * without running the function. The container's runtime has then served a request and the
   * connection is open, so the first call costs about what a hot call does (on a Node FDK, ~3 ms
   * rather than ~10 ms on its socket). Given up after `timeoutMs`: a call queued behind it waits
   * no longer than that.
   */
  warmUp(timeoutMs = WARM_UP_TIMEOUT_MS): Promise<void> {
    return new Promise<void>((resolve) => {
      const handler = new WarmUpHandler(resolve, timeoutMs);
      this.client.dispatch({ path: '/', method: 'GET', headers: { 'user-agent': 'fnode warm-up' } }, handler);
    });
  }

  close(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.client.destroy().catch(() => {});
  }

  private readonly settled = (handler: ResponseCollector): void => {
    const i = this.inflight.indexOf(handler);
    if (i >= 0) this.inflight.splice(i, 1);
  };

  private armDeadline(at: number): void {
    clearTimeout(this.deadlineTimer);
    this.timerAt = at;
    // The call's socket keeps the process alive, not this timer (it outlives the calls).
    this.deadlineTimer = setTimeout(this.onDeadlineTimer, Math.max(0, Math.ceil(at - performance.now())));
    this.deadlineTimer.unref();
  }

  private readonly onDeadlineTimer = (): void => {
    this.deadlineTimer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    // Timers run on the event loop's clock, which may lag performance.now() by a millisecond.
    const now = performance.now() + 1;
    for (const h of [...this.inflight]) if (h.deadline <= now) h.fail(new CallDeadlineError());
    let next = Number.POSITIVE_INFINITY;
    for (const h of this.inflight) next = Math.min(next, h.deadline);
    if (next !== Number.POSITIVE_INFINITY) this.armDeadline(next);
  };
}

const WARM_UP_TIMEOUT_MS = 2000;

/** The warm-up request's handler: whatever the answer, it is done; past `timeoutMs`, given up. */
class WarmUpHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private done = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: () => void,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.giveUp(), timeoutMs);
    this.timer.unref();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.done) controller.abort(new Error('warm-up given up'));
  }

  onResponseStart(): void {}

  onResponseData(): void {}

  onResponseEnd(): void {
    this.finish();
  }

  onResponseError(): void {
    this.finish();
  }

  private giveUp(): void {
    if (this.done) return;
    this.finish();
    this.controller?.abort(new Error('warm-up given up'));
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.resolve();
  }
}

/** Gathers one answer; the first of end, error, deadline or oversize settles it. */
class ResponseCollector implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly maxSize: number,
    /** performance.now() past which the call fails with CallDeadlineError. */
    readonly deadline: number,
    private readonly resolve: (res: FunctionResponse) => void,
    private readonly reject: (err: ApiError) => void,
    private readonly onSettled: (handler: ResponseCollector) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // The deadline may have passed while the request waited for the connection.
    if (this.settled) controller.abort(new Error('call settled'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.maxSize > 0 && this.size > this.maxSize) {
      this.fail(Errors.FunctionResponseTooBig.copy());
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(this);
    const { chunks } = this;
    this.resolve({
      status: this.status,
      headers: this.headers as Record<string, string | string[]>,
      body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size),
    });
  }

  onResponseError(_c: Dispatcher.DispatchController, _err: Error): void {
    this.fail(Errors.FunctionResponse.copy());
  }

  /** Settles with `err` and drops the exchange (the connection goes with it). */
  fail(err: ApiError): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(this);
    this.reject(err);
    this.controller?.abort(err);
  }
}
