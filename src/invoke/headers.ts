import type { IncomingHttpHeaders } from 'node:http';

export type HeaderMap = Record<string, string | string[]>;

/** Hop-by-hop headers never cross fnode, in either direction (Go's httputil list). */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Framing is fnode's own business: undici and Fastify set these from the body they send. */
const FRAMING = new Set(['content-length', 'host', 'expect']);

/** Go's CanonicalMIMEHeaderKey: `x-foo-bar` -> `X-Foo-Bar`. */
export function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

function present(v: string | string[] | undefined): v is string | string[] {
  return v !== undefined;
}

/** `/invoke`: the client's headers go to the function as they are, minus hop-by-hop ones. */
export function invokeRequestHeaders(incoming: IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  // for...in, not Object.entries: no array of pairs on every call. Node's header objects have
  // no enumerable inherited keys.
  for (const k in incoming) {
    const v = incoming[k];
    if (!present(v) || HOP_BY_HOP.has(k) || FRAMING.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * `/t/`: every client header but Content-Type travels as `Fn-Http-H-<Name>`, with the method,
 * the full URL and `Fn-Intent: httprequest`.
 */
export function triggerRequestHeaders(incoming: IncomingHttpHeaders, method: string, url: string): HeaderMap {
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(incoming)) {
    if (!present(v) || HOP_BY_HOP.has(k) || FRAMING.has(k)) continue;
    if (k === 'content-type') out[k] = v;
    else out[`Fn-Http-H-${canonicalHeader(k)}`] = v;
  }
  out['Fn-Http-Method'] = method;
  out['Fn-Http-Request-Url'] = url;
  out['Fn-Intent'] = 'httprequest';
  return out;
}

/** `/invoke`: all the function's headers reach the client, minus hop-by-hop and framing. */
export function invokeResponseHeaders(fromFunction: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const k in fromFunction) {
    const lower = k.toLowerCase();
    if (HOP_BY_HOP.has(lower) || FRAMING.has(lower)) continue;
    out[lower] = fromFunction[k]!;
  }
  return out;
}

/**
 * `/t/`: only Content-Type and `Fn-Http-H-X` (as `X`) reach the client; `Fn-Http-Status`
 * sets the status.
 */
export function triggerResponse(fromFunction: HeaderMap): { status: number; headers: HeaderMap } {
  const headers: HeaderMap = {};
  let status = 200;
  for (const [k, v] of Object.entries(fromFunction)) {
    const lower = k.toLowerCase();
    if (lower === 'content-type') headers[lower] = v;
    else if (lower === 'fn-http-status') {
      const n = Number(Array.isArray(v) ? v[0] : v);
      if (Number.isInteger(n) && n >= 100 && n <= 599) status = n;
    } else if (lower.startsWith('fn-http-h-')) {
      const name = lower.slice('fn-http-h-'.length);
      if (name && !HOP_BY_HOP.has(name) && !FRAMING.has(name)) headers[name] = v;
    }
  }
  return { status, headers };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Node's own check of header values (`checkInvalidHeaderChar`). */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Headers that fnode does not control (a v1 route's `headers`, a legacy-format function's
 * answer) made writable, close to how Go's server writes them: a name that is not an HTTP token
 * is dropped and CR and LF become spaces. A value Node cannot send (a control character such as
 * NUL, text beyond Latin-1) is dropped too. Node would otherwise refuse the whole answer.
 */
export function writableHeaders(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!TOKEN.test(k)) continue;
    const values = (Array.isArray(v) ? v : [v]).map(writableValue).filter((x) => x !== undefined);
    if (values.length === 0) continue;
    out[k] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

function writableValue(v: string): string | undefined {
  const oneLine = String(v)
    .replace(/[\r\n]/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/g, '');
  return INVALID_VALUE_CHAR.test(oneLine) ? undefined : oneLine;
}
