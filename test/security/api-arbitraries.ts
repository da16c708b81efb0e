import fc from 'fast-check';
import { bodyOf, serialize, text, validBodies } from './body-arbitraries.js';
import {
  anyText,
  type EntityIds,
  type Family,
  type Fixtures,
  type FuzzRequest,
  idOf,
  long,
  MISSING_ID,
  nameOf,
  odd,
  percentEncode,
  segment,
} from './fuzz-basics.js';
import { authorizationArb, headersArb } from './header-arbitraries.js';

export type { EntityIds, Family, Fixtures, FuzzRequest } from './fuzz-basics.js';
export { authorizationArb } from './header-arbitraries.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The rest of a path (a trigger source, a route path): 0 to 4 segments, maybe a trailing `/`. */
function rest(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    odd(4, fc.constantFrom(...known)),
    odd(
      3,
      fc
        .tuple(fc.array(segment(anyText), { maxLength: 4 }), fc.boolean())
        .map(([segs, slash]) => segs.join('/') + (slash ? '/' : '')),
    ),
  );
}

interface Template {
  family: Family;
  /** `{app}`, `{fn}`, `{trigger}`, `{call}`: ids; `{appName}`; `{source}`, `{route}`, `{rest}`. */
  path: string;
  /** True when a request may change what the path names (CRUD and v1 routes). */
  writes: boolean;
}

export const TEMPLATES: readonly Template[] = [
  ...['/v2/apps', '/v2/apps/{app}', '/v2/fns', '/v2/fns/{fn}', '/v2/triggers', '/v2/triggers/{trigger}'].map(
    (path) => ({ family: 'v2' as const, path, writes: true }),
  ),
  { family: 'v2', path: '/v2/runner/apps/{app}/triggerBySource/{type}/{source}', writes: false },
  ...[
    '/v2/fns/{fn}/calls',
    '/v2/fns/{fn}/calls/{call}',
    '/v2/fns/{fn}/calls/{call}/log',
    '/v2/fns/{fn}/calls/{call}/response',
    '/v2/fns/{fn}/calls/{call}/cancel',
    '/v2/fns/{fn}/calls/{call}/redrive',
    '/v2/fns/{fn}/dead-letters',
  ].map((path) => ({ family: 'calls' as const, path, writes: false })),
  ...[
    '/v1/apps',
    '/v1/apps/{appName}',
    '/v1/apps/{appName}/routes',
    '/v1/apps/{appName}/routes/{route}',
    '/v1/apps/{appName}/calls',
    '/v1/apps/{appName}/calls/{call}',
    '/v1/apps/{appName}/calls/{call}/log',
  ].map((path) => ({ family: 'v1' as const, path, writes: true })),
  ...['/invoke/{fn}', '/t/{appName}', '/t/{appName}/{source}', '/r/{appName}', '/r/{appName}/{route}'].map(
    (path) => ({ family: 'invoke' as const, path, writes: false }),
  ),
  ...['/', '/version', '/health/live', '/health/ready', '/metrics', '/v2/openapi.json'].map((path) => ({
    family: 'service' as const,
    path,
    writes: false,
  })),
  ...[
    '/{rest}',
    '/v2/{rest}',
    '/v1/{rest}',
    '/v2/apps/{app}/{rest}',
    '/v2/fns/{fn}/calls/{call}/log/{rest}',
    '/invoke',
    '/invoke/',
    '/t',
    '/t/',
    '/r',
    '/r/',
    '/v1',
    '/v2',
    '//v2/apps',
    '/v2//apps',
    '/V2/APPS',
    '/v2/apps/',
    '/v2/apps/{app}/',
    '/v1/apps/',
    '/health',
  ].map((path) => ({ family: 'unknown' as const, path, writes: false })),
];

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const methodArb = fc.oneof(
  odd(12, fc.constantFrom(...METHODS)),
  odd(1, fc.constantFrom('TRACE', 'PROPFIND', 'SEARCH', 'PURGE', 'LINK', 'MKCOL', 'ACL', 'CONNECT', 'QUERY')),
);

function pathOf(t: Template, fx: Fixtures, method: string): fc.Arbitrary<string> {
  const sets = t.writes && !READ_METHODS.has(method) ? [fx.play] : [fx.keep, fx.play];
  const pick = <K extends keyof EntityIds>(k: K) =>
    sets.map((s) => s[k]).filter((v): v is string => typeof v === 'string');
  const params: Record<string, fc.Arbitrary<string>> = {
    app: segment(idOf(pick('appId'))),
    fn: segment(idOf(pick('fnId'))),
    trigger: segment(idOf(pick('triggerId'))),
    call: segment(idOf(pick('callId').length > 0 ? pick('callId') : [MISSING_ID])),
    appName: segment(nameOf(pick('appName'))),
    source: rest(pick('triggerSource')),
    route: rest(pick('routePath')),
    rest: rest(['', 'apps', 'x/y']),
    type: segment(fc.oneof(fc.constant('http'), anyText)),
  };
  const names = [...t.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (names.length === 0) return fc.constant(t.path);
  return fc.tuple(...names.map((n) => params[n]!)).map((values) => {
    let i = 0;
    return t.path.replace(/\{(\w+)\}/g, () => values[i++]!);
  });
}

const QUERY_KEYS = ['cursor', 'per_page', 'name', 'app_id', 'fn_id', 'from_time', 'to_time', 'image', 'path'];

const queryValue = (fx: Fixtures) =>
  fc.oneof(
    odd(12, anyText),
    odd(8, fc.integer({ min: -1e6, max: 1e12 }).map(String)),
    odd(4, fc.constantFrom('0', '-1', '1e3', '0x10', '1.5', 'NaN', 'Infinity', '99999999999999999999', ' 5')),
    odd(8, idOf([fx.keep.appId, fx.play.appId, fx.keep.fnId, fx.play.fnId])),
    odd(
      4,
      anyText.map((s) => Buffer.from(s).toString('base64url')),
    ),
    odd(1, long(500, 4000)),
    odd(1, fc.constant('q'.repeat(20_000))),
  );

/** A query string: repeated keys, empty keys and values, broken escapes, raw specials, long values. */
export function queryOf(fx: Fixtures): fc.Arbitrary<string> {
  const key = fc.oneof(odd(3, fc.constantFrom(...QUERY_KEYS)), odd(1, anyText));
  const pair = fc.tuple(key, queryValue(fx), fc.nat(5)).map(([k, v, how]) => {
    const enc = (s: string) => percentEncode(s, /[A-Za-z0-9._~-]/);
    const raw = (s: string) => percentEncode(s, /[!-"$-%'-;=@-~]/);
    return [
      `${enc(k)}=${enc(v)}`,
      `${raw(k)}=${raw(v)}`,
      enc(k),
      `${enc(k)}=`,
      `=${enc(v)}`,
      `${enc(k)}=%ZZ%`,
    ][how]!;
  });
  return fc.oneof(
    odd(3, fc.constant('')),
    odd(
      6,
      fc
        .tuple(fc.array(pair, { minLength: 1, maxLength: 6 }), fc.constantFrom('&', '&', '&', '&&', ';'))
        .map(([pairs, sep]) => `?${pairs.join(sep)}`),
    ),
    odd(1, fc.constantFrom('?', '??', '?&', '?=', '?#frag', '?%')),
  );
}

/** A request in a line: long values cut, bytes shown as escapes. */
export function describeRequest(req: FuzzRequest): string {
  const cut = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const body = req.body === undefined ? 'none' : JSON.stringify(cut(Buffer.from(req.body).toString('utf8')));
  const headers = wireHeaders(req)
    .map(([k, v]) => `${k}: ${JSON.stringify(cut(v, 80))}`)
    .join(', ');
  return `${req.method} ${cut(req.target, 300)} [${headers}] body=${body}${req.chunked ? ' (chunked)' : ''}`;
}

/** The headers `req` is sent with: its Authorization first, when it has one. */
export function wireHeaders(req: FuzzRequest): [string, string][] {
  return req.authorization === undefined
    ? req.headers
    : [['Authorization', req.authorization], ...req.headers];
}

/**
 * The Authorization dimension, apart from the other headers so that an authentication layer can
 * swap in its own (valid tokens, say, with its 401s expected for the rest). Today no route reads
 * it: anything or nothing must be answered alike.
 */
export const defaultAuthorization: fc.Arbitrary<string | undefined> = fc.option(authorizationArb, {
  freq: 2,
  nil: undefined,
});

/** `req`, shown by fast-check (in counterexamples) as `describeRequest` shows it. */
function printable(req: FuzzRequest): FuzzRequest {
  return Object.defineProperty(req, fc.toStringMethod, {
    value: () => describeRequest(req),
    configurable: true,
  });
}

/** Requests to the templates of `families`. */
export function requestOf(
  fx: Fixtures,
  families: readonly Family[],
  authorization = defaultAuthorization,
): fc.Arbitrary<FuzzRequest> {
  const templates = TEMPLATES.filter((t) => families.includes(t.family));
  return fc.tuple(fc.constantFrom(...templates), methodArb).chain(([t, method]) =>
    fc
      .record({
        family: fc.constant(t.family),
        method: fc.constant(method),
        target: fc.tuple(pathOf(t, fx, method), queryOf(fx)).map(([p, q]) => p + q),
        headers: headersArb,
        authorization,
        body: bodyOf(fx, t.family),
        chunked: fc.boolean(),
      })
      .map(printable),
  );
}

/** `o` without the keys that would make an edit move or rename what it edits. */
function without(o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
}

const json = (v: unknown) => text(serialize(v));

/** A JSON request with a body (made by `serialize`), under each Authorization of the dimension. */
function jsonRequest(authorization: fc.Arbitrary<string | undefined>) {
  return (family: Family, method: string, target: string, body: Uint8Array) =>
    authorization.map(
      (auth): FuzzRequest => ({
        family,
        method,
        target,
        headers: [['content-type', 'application/json']],
        authorization: auth,
        body,
        chunked: false,
      }),
    );
}

/**
 * Two requests: an edit of a `play` entity with a body that passes the first checks (hostile
 * config, annotations, route headers, images), then a call through what was edited. What one
 * request stores must not break the answer to the next.
 */
export function editThenCallOf(
  fx: Fixtures,
  authorization = defaultAuthorization,
): fc.Arbitrary<FuzzRequest[]> {
  const p = fx.play;
  const b = validBodies(fx);
  const request = jsonRequest(authorization);
  const edit = fc.oneof(
    b.app.chain((a) => request('v2', 'PUT', `/v2/apps/${p.appId}`, json(without(a, 'name')))),
    b.fn.chain((f) => request('v2', 'PUT', `/v2/fns/${p.fnId}`, json(without(f, 'name', 'app_id')))),
    b.trigger.chain((t) =>
      request('v2', 'PUT', `/v2/triggers/${p.triggerId}`, json(without(t, 'app_id', 'fn_id', 'source'))),
    ),
    b.app.chain((a) => request('v1', 'PATCH', `/v1/apps/${p.appName}`, json({ app: without(a, 'name') }))),
    fc
      .tuple(fc.constantFrom('PATCH', 'PUT'), b.route)
      .chain(([method, r]) =>
        request(
          'v1',
          method,
          `/v1/apps/${p.appName}/routes/${p.routePath}`,
          json({ route: without(r, 'path') }),
        ),
      ),
  );
  const call = fc.record({
    family: fc.constant<Family>('invoke'),
    method: fc.constantFrom(...METHODS),
    target: fc.constantFrom(
      `/invoke/${p.fnId}`,
      `/t/${p.appName}/${p.triggerSource}`,
      `/r/${p.appName}/${p.routePath}`,
    ),
    headers: headersArb,
    authorization,
    body: bodyOf(fx, 'invoke'),
    chunked: fc.boolean(),
  });
  return fc.tuple(edit, call).map(([e, c]) => [printable(e), printable(c)]);
}

/** A write whose answer, when 200, a read of `readPath(answer)` must give back as it is. */
export interface WriteThenRead {
  write: FuzzRequest;
  /** The entity in the write's answer (v1 wraps it). */
  entityOf: (answer: Record<string, unknown>) => unknown;
  readPath: (entity: Record<string, unknown>) => string;
}

/**
 * Creates and updates with bodies that mostly pass (hostile text in names, config, annotations,
 * images, route headers): what a write answers is what is stored.
 */
export function writeThenReadOf(
  fx: Fixtures,
  authorization = defaultAuthorization,
): fc.Arbitrary<WriteThenRead> {
  const { keep, play } = fx;
  const b = validBodies(fx);
  const request = jsonRequest(authorization);
  const v2 = (kind: string) => ({
    entityOf: (answer: Record<string, unknown>) => answer,
    readPath: (e: Record<string, unknown>) => `/v2/${kind}/${String(e['id'])}`,
  });
  const route = {
    entityOf: (answer: Record<string, unknown>) => answer['route'],
    readPath: (e: Record<string, unknown>) =>
      `/v1/apps/${play.appName}/routes${String(e['path'])
        .split('/')
        .map((seg) => encodeURIComponent(seg))
        .join('/')}`,
  };
  const write = fc.oneof(
    b.app.chain((a) => request('v2', 'POST', '/v2/apps', json(a))).map((w) => ({ write: w, ...v2('apps') })),
    b.fn
      .chain((f) => request('v2', 'POST', '/v2/fns', json({ ...f, app_id: keep.appId })))
      .map((w) => ({ write: w, ...v2('fns') })),
    b.trigger
      .chain((t) =>
        request('v2', 'POST', '/v2/triggers', json({ ...t, app_id: keep.appId, fn_id: keep.fnId })),
      )
      .map((w) => ({ write: w, ...v2('triggers') })),
    b.app
      .chain((a) => request('v2', 'PUT', `/v2/apps/${play.appId}`, json(without(a, 'name'))))
      .map((w) => ({ write: w, ...v2('apps') })),
    b.fn
      .chain((f) => request('v2', 'PUT', `/v2/fns/${play.fnId}`, json(without(f, 'name', 'app_id'))))
      .map((w) => ({ write: w, ...v2('fns') })),
    b.route
      .chain((r) => request('v1', 'POST', `/v1/apps/${play.appName}/routes`, json({ route: r })))
      .map((w) => ({ write: w, ...route })),
  );
  return write.map((w) => ({ ...w, write: printable(w.write) }));
}
