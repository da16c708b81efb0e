import { Agent, request } from 'undici';
import { createTypedClient, type FnodeApi, type TypedReply } from './api/index.js';
import { CliError, ExitCode, usageError } from './exit-codes.js';
import { DEFAULT_API_URL } from './global-options.js';

/** Connection failures that mean "nothing is listening there" rather than "the API said no". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SendOptions {
  query?: Record<string, string | number | undefined>;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** Fn's list pages. */
export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

/**
 * The fnode (Fn v2) HTTP API. Every failure becomes a {@link CliError}: an unreachable server
 * exits 3 with how to start it, an API error exits 1 with Fn's own message.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly agent = new Agent({ connect: { timeout: 10_000 } });

  private readonly auth: Record<string, string>;

  /** Every documented route, typed from the OpenAPI document (`src/cli/api`). */
  readonly v2: FnodeApi;

  constructor(baseUrl: string, token?: string) {
    this.auth = token ? { authorization: `Bearer ${token}` } : {};
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw usageError(
        `invalid API URL "${baseUrl}": set FN_API_URL or --api-url to e.g. ${DEFAULT_API_URL}`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw usageError(`invalid API URL "${baseUrl}": it must start with http:// or https://`);
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.v2 = createTypedClient(this.baseUrl, this.auth, (req) => this.fetch(req));
  }

  /**
   * The typed client's transport: the same undici request as {@link send} (fetch would refuse
   * some ports and map failures differently), answered as a fetch `Response`.
   */
  private async fetch(req: Request): Promise<Response> {
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    const reply = await this.send(req.method, req.url, {
      headers: Object.fromEntries(req.headers),
      ...(body ? { body } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(reply.headers))
      for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
    const empty = reply.status === 204 || reply.status === 304 || req.method === 'HEAD';
    return new Response(empty ? null : reply.body, { status: reply.status, headers });
  }

  /** Any request; `target` is a path under the API URL or a whole URL (an invoke endpoint). */
  async send(method: string, target: string, opts: SendOptions = {}): Promise<RawReply> {
    const url = new URL(/^https?:\/\//.test(target) ? target : `${this.baseUrl}${target}`);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    try {
      const res = await request(url, {
        method: method as 'GET',
        dispatcher: this.agent,
        headers: { ...this.auth, ...opts.headers },
        ...(opts.body !== undefined ? { body: opts.body } : {}),
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body };
    } catch (e) {
      if (isUnreachable(e)) throw unreachable(url);
      throw e;
    }
  }

  /**
   * The answer's body of a typed call, or Fn's error message as a {@link CliError}:
   * `await api.ok(api.v2.GET('/v2/apps/{app_id}', { params: { path: { app_id } } }))`.
   */
  async ok<T>(call: Promise<TypedReply<T>>): Promise<T> {
    const { data, error, response } = await call;
    if (!response.ok) throw errorOf(response.status, error);
    return data as T;
  }

  /** Follows `next_cursor` until `limit` items (Fn's `-n`) or the last page. */
  async pages<T>(
    page: (q: { per_page: string; cursor?: string }) => Promise<TypedReply<Page<T>>>,
    limit: number,
    cursor?: string,
  ): Promise<T[]> {
    const items: T[] = [];
    let next = cursor;
    do {
      // The document types query values as strings, as Fn reads them.
      const perPage = String(Math.min(100, limit - items.length));
      const got = await this.ok(page(next ? { per_page: perPage, cursor: next } : { per_page: perPage }));
      items.push(...got.items);
      next = got.next_cursor;
    } while (next && items.length < limit);
    return items;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Fn's `{"message": ...}` error body as a CliError; anything else with its status. */
export function apiError(reply: RawReply): CliError {
  const text = reply.body.toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the text itself
  }
  return errorOf(reply.status, parsed);
}

/** An error answer (decoded JSON, or its text) as a CliError with Fn's message. */
function errorOf(status: number, body: unknown): CliError {
  const message =
    typeof body === 'string'
      ? body.trim()
      : typeof (body as { message?: unknown } | undefined)?.message === 'string'
        ? (body as { message: string }).message
        : '';
  return new CliError(message ? `${message} (HTTP ${status})` : `HTTP ${status}`);
}

function unreachable(url: URL): CliError {
  return new CliError(
    `cannot reach fnode at ${url.origin}: start it with \`fnode start\` or set FN_API_URL (or --api-url)`,
    ExitCode.unreachable,
  );
}

function isUnreachable(e: unknown): boolean {
  for (let err: unknown = e, depth = 0; err && depth < 4; depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    const errors = (err as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some(isUnreachable)) return true;
    err = (err as { cause?: unknown }).cause;
  }
  return false;
}
