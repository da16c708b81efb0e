import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eventually, http } from '../helpers/fnode.js';
import {
  describeRequest,
  type WriteThenRead as WriteThenReadCase,
  type EntityIds,
  editThenCallOf,
  type Family,
  type Fixtures,
  type FuzzRequest,
  requestOf,
  wireHeaders,
  writeThenReadOf,
} from './api-arbitraries.js';
import { MISSING_IMAGE } from './fuzz-basics.js';
import { NoAnswerError, type RawResponse, sendRaw } from './raw-http.js';

/**
 * The hostile-input properties of issue 13, shared by `test/security/hostile-input.test.ts`
 * (fixed seed, few runs) and `bench/fuzz.ts` (random seed, many runs): whatever a client sends,
 * fnode answers in time, with a 2xx or 4xx (or a function's documented 5xx), with Fn's error
 * shape, and keeps its data.
 */

/** The bound on one answer: more is a hang. */
export const ANSWER_TIMEOUT_MS = 10_000;

/** A real image, for the fixtures that must keep working (its containers stay hot). */
export const REAL_IMAGE = 'fnode-test/hello';

export interface FuzzTarget {
  url: string;
  port: number;
  fixtures: Fixtures;
  /** The Authorization values to send (default: random ones or none, all ignored today). */
  authorization?: fc.Arbitrary<string | undefined>;
}

/** One property per route family, so a failure names where it was found. */
export const PROPERTY_FAMILIES: readonly { name: string; families: readonly Family[] }[] = [
  { name: 'v2 apps, fns and triggers', families: ['v2'] },
  { name: 'v2 calls', families: ['calls'] },
  { name: 'v1 apps, routes and calls', families: ['v1'] },
  { name: 'invoke, triggers and v1 routes', families: ['invoke'] },
  { name: 'service endpoints', families: ['service'] },
  { name: 'unknown paths', families: ['unknown'] },
];

/** Admin tokens of servers with authentication on, by URL: the fixtures are made with them. */
const adminTokens = new Map<string, string>();

/** The fixtures, snapshots and checks of the server at `url` go with this admin token. */
export function useAdminToken(url: string, token: string): void {
  adminTokens.set(url, token);
}

async function ok(url: string, method: string, path: string, body?: unknown) {
  const token = adminTokens.get(url);
  const res = await http(url, method, path, body, token ? { authorization: `Bearer ${token}` } : {});
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res;
}

/** An app with a fn, an HTTP trigger and a v1 route on `image`, and one call of the fn. */
async function entities(url: string, role: string, image: string): Promise<EntityIds> {
  const appName = `fuzz-${role}-${randomUUID().slice(0, 8)}`;
  const app = await ok(url, 'POST', '/v2/apps', {
    name: appName,
    config: { APP_KEY: 'app value' },
    annotations: { 'fuzz/role': role },
  });
  const appId = app.json<{ id: string }>().id;
  const fn = await ok(url, 'POST', '/v2/fns', {
    app_id: appId,
    name: 'hello',
    image,
    config: { FOO: 'bar' },
    annotations: { 'fuzz/fn': [1, 2, 3] },
  });
  const fnId = fn.json<{ id: string }>().id;
  const triggerSource = `${role}/hello`;
  const trigger = await ok(url, 'POST', '/v2/triggers', {
    app_id: appId,
    fn_id: fnId,
    name: 'hello',
    type: 'http',
    source: `/${triggerSource}`,
  });
  const routePath = `${role}-route`;
  await ok(url, 'PUT', `/v1/apps/${appName}/routes/${routePath}`, {
    route: { image, format: 'http-stream', config: { ROUTE: '1' } },
  });
  // A call record to read through the calls APIs (503 without Docker: then none). Records are
  // written in the background: wait for it.
  const call = await http(url, 'POST', `/invoke/${fnId}`, { name: 'fuzz' });
  const callId = call.headers['fn-call-id'];
  if (typeof callId === 'string') {
    await eventually(async () =>
      (await http(url, 'GET', `/v2/fns/${fnId}/calls/${callId}`)).status === 200 ? true : undefined,
    );
  }
  return {
    appId,
    appName,
    fnId,
    triggerId: trigger.json<{ id: string }>().id,
    triggerSource,
    routePath,
    callId: typeof callId === 'string' ? callId : undefined,
  };
}

/** Creates the run's fixtures: `keep` on a real image, `play` on a missing one. */
export async function createFixtures(url: string): Promise<Fixtures> {
  return { keep: await entities(url, 'keep', REAL_IMAGE), play: await entities(url, 'play', MISSING_IMAGE) };
}

/** What the API says about the `keep` entities: must be the same after the run. */
export async function snapshotOf(url: string, keep: EntityIds): Promise<Record<string, unknown>> {
  const paths = [
    `/v2/apps/${keep.appId}`,
    `/v2/fns/${keep.fnId}`,
    `/v2/triggers/${keep.triggerId}`,
    `/v1/apps/${keep.appName}`,
    `/v1/apps/${keep.appName}/routes/${keep.routePath}`,
    ...(keep.callId ? [`/v2/fns/${keep.fnId}/calls/${keep.callId}`] : []),
  ];
  const out: Record<string, unknown> = {};
  for (const p of paths) out[p] = (await ok(url, 'GET', p)).json();
  return out;
}

/** After a run: a new app can be created, read back and listed, and the kept fn still runs. */
export async function assertStillServing(url: string, keep: EntityIds, dockerUp: boolean): Promise<void> {
  const name = `fuzz-after-${randomUUID().slice(0, 8)}`;
  const created = (await ok(url, 'POST', '/v2/apps', { name, config: { K: 'v' } })).json<{ id: string }>();
  const read = (await ok(url, 'GET', `/v2/apps/${created.id}`)).json<{ name: string; config: unknown }>();
  assert.deepEqual([read.name, read.config], [name, { K: 'v' }]);
  const listed = (await ok(url, 'GET', `/v2/apps?name=${name}`)).json<{ items: { id: string }[] }>();
  assert.deepEqual(
    listed.items.map((a) => a.id),
    [created.id],
  );
  const v1 = (await ok(url, 'GET', `/v1/apps/${name}`)).json<{ app: { id: string } }>();
  assert.equal(v1.app.id, created.id);
  if (!dockerUp) return;
  const hello = await ok(url, 'POST', `/invoke/${keep.fnId}`, { name: 'after' });
  assert.equal(hello.json<{ message: string }>().message, 'Hello after');
  const viaTrigger = await ok(url, 'POST', `/t/${keep.appName}/${keep.triggerSource}`, { name: 't' });
  assert.equal(viaTrigger.json<{ message: string }>().message, 'Hello t');
}

/** The error shape a path answers with: v1's `{"error":{"message"}}` under /v1 and /r, else `{"message"}`. */
export function errorShapeOf(path: string): 'v1' | 'v2' {
  return /^\/(v1|r)(\/|$)/.test(path) ? 'v1' : 'v2';
}

/** Fn's and fnode's documented 503s, on any route: the database is away for now (restarting, say). */
const DOCUMENTED_503 = new Set([
  'Datastore is unavailable: try again shortly',
  'Server is shutting down: retry on another node or after its restart',
]);

/** A 5xx that is not fnode's fault: a function's outcome, a busy node, readiness, a database away. */
function documented5xx(req: FuzzRequest, path: string, status: number, text: string): boolean {
  if (req.family === 'invoke' && (status === 502 || status === 503 || status === 504)) return true;
  if (path === '/health/ready' && status === 503) return true;
  return status === 503 && DOCUMENTED_503.has(messageOf(text) ?? '');
}

function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } };
    const m = body.message ?? body.error?.message;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

const STACK_FRAME = /\n\s+at \S.*:\d+:\d+\)?/;

/** Everything wrong with `res` as an answer to `req`; empty when the properties hold. */
export function problemsOf(req: FuzzRequest, res: RawResponse): string[] {
  const problems: string[] = [];
  const path = req.target.split('?', 1)[0] ?? '';
  const { status } = res;
  const text = res.body.toString('utf8');
  if (status >= 500 && !documented5xx(req, path, status, text)) problems.push(`answered ${status}`);
  if (status < 200 || (status >= 300 && status < 400)) problems.push(`answered ${status}`);
  if (STACK_FRAME.test(text)) problems.push('the body holds a stack trace');
  const type = res.headers['content-type']?.[0] ?? '';
  const isError = status >= 400 && status !== 444 && !(path === '/health/ready' && status === 503);
  // fnode's own JSON answers parse (a function's answer, on the invoke paths, is its own).
  if (!isError && req.family !== 'invoke' && req.method !== 'HEAD' && /json/.test(type) && !parses(text)) {
    problems.push(`a ${status} answer says JSON but is not: ${JSON.stringify(text.slice(0, 200))}`);
  }
  if (isError && req.method !== 'HEAD') {
    if (!/^application\/json/.test(type)) problems.push(`error content-type ${JSON.stringify(type)}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push(`error body is not JSON: ${JSON.stringify(text.slice(0, 200))}`);
    }
    // Headers over the limit come in several reads, and Node's parser keeps no request line to
    // tell the path by: either shape will do for a 431.
    const shapeOk =
      hasErrorShape(body, errorShapeOf(path)) ||
      (status === 431 && (hasErrorShape(body, 'v1') || hasErrorShape(body, 'v2')));
    if (body !== undefined && !shapeOk) {
      problems.push(`error body is not Fn's ${errorShapeOf(path)} shape: ${text.slice(0, 200)}`);
    }
  }
  return problems;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasErrorShape(body: unknown, shape: 'v1' | 'v2'): boolean {
  const message = (o: unknown) =>
    isObject(o) && Object.keys(o).length === 1 && typeof o['message'] === 'string' && o['message'] !== '';
  if (shape === 'v2') return message(body);
  return isObject(body) && Object.keys(body).length === 1 && message(body['error']);
}

/** Sends one request; throws (for fast-check) when the answer breaks a property. */
export async function exchange(target: FuzzTarget, req: FuzzRequest): Promise<RawResponse> {
  let res: RawResponse;
  try {
    const { method, target: path, body, chunked } = req;
    res = await sendRaw(
      target.port,
      { method, target: path, headers: wireHeaders(req), body, chunked },
      ANSWER_TIMEOUT_MS,
    );
  } catch (err) {
    if (err instanceof NoAnswerError) throw new Error(`${err.message}: ${describeRequest(req)}`);
    throw err;
  }
  const problems = problemsOf(req, res);
  if (problems.length > 0) {
    throw new Error(`${problems.join('; ')} (status ${res.status})\n  request: ${describeRequest(req)}`);
  }
  return res;
}

/** The property over the routes of `families`. */
export function propertyOf(
  target: FuzzTarget,
  families: readonly Family[],
): fc.IAsyncPropertyWithHooks<[FuzzRequest]> {
  return fc.asyncProperty(requestOf(target.fixtures, families, target.authorization), async (req) => {
    await exchange(target, req);
  });
}

/** Requests of every family sent at once, in batches: answers must not depend on being alone. */
export function concurrentProperty(target: FuzzTarget): fc.IAsyncPropertyWithHooks<[FuzzRequest[]]> {
  const families = PROPERTY_FAMILIES.flatMap((p) => p.families);
  const batch = fc.array(requestOf(target.fixtures, families, target.authorization), {
    minLength: 4,
    maxLength: 12,
  });
  return fc.asyncProperty(batch, async (requests) => {
    await Promise.all(requests.map((req) => exchange(target, req)));
  });
}

/** The bound on a close once the run is over: more means a request or connection was left hanging. */
export const CLOSE_TIMEOUT_MS = 15_000;

/** Resolves once `close` has, or rejects after CLOSE_TIMEOUT_MS. */
export async function closesInTime(close: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the server did not close within ${CLOSE_TIMEOUT_MS} ms: something hangs`)),
      CLOSE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([close(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The property over an edit of a `play` entity followed by a call through it. */
export function editThenCallProperty(target: FuzzTarget): fc.IAsyncPropertyWithHooks<[FuzzRequest[]]> {
  return fc.asyncProperty(editThenCallOf(target.fixtures, target.authorization), async (requests) => {
    for (const req of requests) await exchange(target, req);
  });
}

/** Annotations computed at read time: a PUT answers without them (as Fn's does), a read with. */
const READ_TIME_ANNOTATIONS = ['fnproject.io/fn/invokeEndpoint', 'fnproject.io/trigger/httpEndpoint'];

function withoutReadTime(entity: unknown): unknown {
  if (!isObject(entity) || !isObject(entity['annotations'])) return entity;
  const annotations = { ...entity['annotations'] };
  for (const k of READ_TIME_ANNOTATIONS) delete annotations[k];
  const out: Record<string, unknown> = { ...entity, annotations };
  if (Object.keys(annotations).length === 0) delete out['annotations'];
  return out;
}

/** The property that what a successful write answers is what a read gives back. */
export function writeThenReadProperty(target: FuzzTarget): fc.IAsyncPropertyWithHooks<[WriteThenReadCase]> {
  return fc.asyncProperty(writeThenReadOf(target.fixtures, target.authorization), async (c) => {
    const written = await exchange(target, c.write);
    if (written.status !== 200) return;
    const entity = c.entityOf(JSON.parse(written.body.toString('utf8')) as Record<string, unknown>);
    assert.ok(isObject(entity), `no entity in the answer to ${describeRequest(c.write)}`);
    const read = await exchange(target, {
      family: c.write.family,
      method: 'GET',
      target: c.readPath(entity),
      headers: [],
      authorization: c.write.authorization,
      body: undefined,
      chunked: false,
    });
    assert.equal(
      read.status,
      200,
      `read back after ${describeRequest(c.write)}: ${read.body.toString('utf8')}`,
    );
    const stored = c.entityOf(JSON.parse(read.body.toString('utf8')) as Record<string, unknown>);
    assert.deepEqual(withoutReadTime(stored), withoutReadTime(entity), describeRequest(c.write));
  });
}
