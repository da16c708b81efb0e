/**
 * The dashboard's client of fnode's HTTP API: same origin, `Authorization: Bearer` when a token
 * is set, and every failure turned into an `ApiProblem` whose message is plain words. Plain
 * TypeScript without the DOM, so Node's test runner can test it with a fetch of its own.
 */

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The API's own message, when it sent one. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
  /** The API wants a token (none, or one it does not know). */
  get needsToken(): boolean {
    return this.status === 401;
  }
}

const PLAIN: Record<number, string> = {
  400: 'The request was refused as invalid',
  401: 'A valid API token is needed',
  403: 'This token may not do that',
  404: 'Not found (it may have been deleted)',
  409: 'That conflicts with the current state',
  413: 'The request is too large',
  429: 'Too many requests: try again shortly',
  502: 'The function failed',
  503: 'The server is busy or a service it needs is down: try again shortly',
  504: 'The function took too long',
};

/** Words for an error answer: what happened, then the API's message when it gave one. */
export function describeProblem(status: number, body: string): ApiProblem {
  let detail: string | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: { message?: unknown } };
    const m = parsed.message ?? parsed.error?.message;
    if (typeof m === 'string' && m) detail = m;
  } catch {
    if (body.trim() && body.length < 300) detail = body.trim();
  }
  const head = PLAIN[status] ?? (status >= 500 ? 'The server failed' : `The request failed (${status})`);
  return new ApiProblem(status, detail ? `${head}: ${detail}` : head, detail);
}

export interface RawAnswer {
  status: number;
  headers: [string, string][];
  body: string;
  ms: number;
}

export class Api {
  constructor(
    private readonly token: () => string | undefined,
    private readonly fetchFn: Fetch = (url, init) => fetch(url, init),
    private readonly base = '',
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const t = this.token();
    return t ? { ...extra, authorization: `Bearer ${t}` } : extra;
  }

  /** A JSON request; throws an ApiProblem for any answer but 2xx. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new ApiProblem(0, `The server cannot be reached: ${e instanceof Error ? e.message : String(e)}`);
    }
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw describeProblem(res.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  /** Any request, its answer whatever the status (the invoke console shows it as it is). */
  async raw(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<RawAnswer> {
    const start = performance.now();
    const res = await this.fetchFn(this.base + path, {
      method,
      headers: this.headers(headers),
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    });
    const text = await res.text();
    const out: [string, string][] = [];
    res.headers.forEach((v, k) => {
      out.push([k, v]);
    });
    if (res.status === 401) throw describeProblem(401, text);
    return { status: res.status, headers: out, body: text, ms: performance.now() - start };
  }
}

/** A query string from the defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return q ? `?${q}` : '';
}
