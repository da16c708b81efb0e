import { Agent, request } from 'undici';
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
      if (isUnreachable(e))
        throw new CliError(
          `cannot reach fnode at ${url.origin}: start it with \`fnode start\` or set FN_API_URL (or --api-url)`,
          ExitCode.unreachable,
        );
      throw e;
    }
  }

  /** A JSON API call: answers the decoded body, or throws Fn's error message. */
  async json<T>(method: string, path: string, body?: unknown, query?: SendOptions['query']): Promise<T> {
    const reply = await this.send(method, path, {
      ...(query ? { query } : {}),
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    if (reply.status >= 400) throw apiError(reply);
    if (reply.status === 204 || reply.body.length === 0) return undefined as T;
    return JSON.parse(reply.body.toString('utf8')) as T;
  }

  get<T>(path: string, query?: SendOptions['query']): Promise<T> {
    return this.json<T>('GET', path, undefined, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, body);
  }

  async delete(path: string): Promise<void> {
    await this.json<unknown>('DELETE', path);
  }

  /** Follows `next_cursor` until `limit` items (Fn's `-n`) or the last page. */
  async list<T>(path: string, query: Record<string, string | undefined>, limit: number, cursor?: string) {
    const items: T[] = [];
    let next = cursor;
    do {
      const page = await this.get<Page<T>>(path, {
        ...query,
        per_page: Math.min(100, limit - items.length),
        cursor: next,
      });
      items.push(...page.items);
      next = page.next_cursor;
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
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return new CliError(message ? `${message} (HTTP ${reply.status})` : `HTTP ${reply.status}`);
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
