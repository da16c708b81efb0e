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
  headers: Record<string, string | string[]>;
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
      const handler = new ResponseCollector(req.maxResponseSize, resolve, reject);
      handler.timer = setTimeout(() => handler.fail(new CallDeadlineError()), Math.max(0, req.timeoutMs));
      this.client.dispatch({ path: '/call', method: 'POST', headers: req.headers, body: req.body }, handler);
    });
  }

  close(): void {
    this.client.destroy().catch(() => {});
  }
}

/** Gathers one answer; the first of end, error, deadline or oversize settles it. */
class ResponseCollector implements Dispatcher.DispatchHandler {
  timer: NodeJS.Timeout | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly maxSize: number,
    private readonly resolve: (res: FunctionResponse) => void,
    private readonly reject: (err: ApiError) => void,
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
    clearTimeout(this.timer);
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
    clearTimeout(this.timer);
    this.reject(err);
    this.controller?.abort(err);
  }
}
