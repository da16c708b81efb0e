import { Errors } from '../models/index.js';
import { ExchangeFailure, type ContainerProtocol, type Exchange } from './container-protocol.js';
import type { Container } from './drivers/index.js';
import { type AgentCall, containerEnv, type FunctionSpec } from './function-spec.js';
import { type FunctionResponse, HttpStreamClient } from './http-stream.js';

/** The last deadline header made, by its whole second: the calls of one second share it. */
let lastSecond = Number.NaN;
let lastHeader = '';

/** Fn's deadline header: RFC 3339 in whole seconds, as the FDKs parse it. */
function deadlineHeader(deadline: number): string {
  const second = Math.floor(deadline / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastHeader = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return lastHeader;
}

/**
 * The call's headers for the container, as undici takes them at least cost: a flat list of
 * names and values. An object spread of the client's headers (their shape differs from call to
 * call) was a tenth of fnode's own time on a hot call.
 */
function containerHeaders(call: AgentCall): string[] {
  const out: string[] = [];
  for (const name in call.headers) {
    // fnode sets these two on every call, whatever a client sent under their names.
    if (name === 'fn-call-id' || name === 'fn-deadline') continue;
    const value = call.headers[name]!;
    if (typeof value === 'string') out.push(name, value);
    else for (const v of value) out.push(name, v);
  }
  out.push('fn-call-id', call.id, 'fn-deadline', deadlineHeader(call.deadline));
  return out;
}

/**
 * The FDK whose containers may be warmed up: the Node FDK answers anything but `POST /call`
 * with a 400 without running the function. Others may not (the Go FDK runs the function for
 * any request), so a container is warmed only once a call to its image was answered by it.
 */
const WARMABLE_FDK = /^fdk-node\//;

/** Every v2 fn: Fn's http-stream contract on the container's unix socket. */
export function httpStreamProtocol(maxResponseSize: number): ContainerProtocol {
  // Images whose calls the Node FDK answered (Fn-Fdk-Version), on this server since its start.
  const warmable = new Set<string>();
  return {
    oneShot: false,
    capacity: (spec) => spec.maxConcurrency,
    containerOptions: (spec) => ({
      env: containerEnv(spec),
      labels: { 'fnode.app_id': spec.appId, 'fnode.fn_id': spec.fnId },
    }),
    open: (container, spec) => new HttpStreamExchange(container, spec, maxResponseSize, warmable),
  };
}

class HttpStreamExchange implements Exchange {
  private readonly client: HttpStreamClient;
  private readonly image: string;

  constructor(
    private readonly container: Container,
    spec: FunctionSpec,
    private readonly maxResponseSize: number,
    private readonly warmable: Set<string>,
  ) {
    this.client = new HttpStreamClient(container.socketPath, spec.maxConcurrency);
    this.image = spec.image;
  }

  async send(call: AgentCall, timeoutMs: number): Promise<FunctionResponse> {
    const res = await this.client.call({
      headers: containerHeaders(call),
      body: call.body,
      timeoutMs,
      maxResponseSize: this.maxResponseSize,
    });
    if (!this.warmable.has(this.image) && WARMABLE_FDK.test(String(res.headers['fn-fdk-version'] ?? ''))) {
      this.warmable.add(this.image);
    }
    if (res.status === 200) return res;
    // The FDK answers 502 for an error the function threw: the container is fine.
    if (res.status === 502) throw new ExchangeFailure(Errors.FunctionFailed.copy(), 'bad_exit', true);
    if (res.status === 504) throw new ExchangeFailure(Errors.CallTimeout.copy(), 'timeout', false);
    throw new ExchangeFailure(Errors.FunctionInvalidResponse.copy(), 'bad_exit', false);
  }

  canWarmUp(): boolean {
    return this.warmable.has(this.image);
  }

  warmUp(): Promise<void> {
    return this.client.warmUp();
  }

  endLogs(): Promise<void> {
    return this.container.setLogListener(undefined);
  }

  close(): void {
    this.client.close();
  }
}
