import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  dockerAvailable,
  eventually,
  http,
  type Reply,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

/** The document with every object schema closed: a field the schema does not name fails. */
function closed<T>(node: T): T {
  if (Array.isArray(node)) return node.map(closed) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closed(v);
  if (out['type'] === 'object' && out['properties'] && out['additionalProperties'] === undefined)
    out['additionalProperties'] = false;
  return out as T;
}

const pointer = (...parts: string[]) =>
  `openapi.json#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

/** Each documented path as a pattern over request paths: `{x}` one segment, `{path}` the rest. */
function pathPatterns(doc: Document): { path: string; pattern: RegExp }[] {
  return Object.keys(doc.paths).map((path) => ({
    path,
    pattern: new RegExp(
      `^${path
        .replace(/\{path\}/g, '\u0000')
        .replace(/\{[^}]+\}/g, '[^/]+')
        .replace('\u0000', '.*')}$`,
    ),
  }));
}

const docker = dockerAvailable();

describe('real answers match the OpenAPI document', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let doc: Document;
  let ajv: Ajv2020;
  let patterns: { path: string; pattern: RegExp }[];
  let admin: string;
  let reader: string;
  /** operationIds that answered 2xx, and each `operationId status` seen. */
  const succeeded = new Set<string>();
  const answered = new Set<string>();

  /**
   * Sends one request and checks its answer against the document: the operation documents the
   * status, the answer's media type, and its JSON body validates against that schema.
   */
  const call = async (
    expected: number,
    method: string,
    url: string,
    opts: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
  ): Promise<Reply> => {
    const token = opts.token === undefined ? admin : opts.token;
    const res = await http(fnode.url, method, url, opts.body, {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    });
    const name = `${method} ${url} (${res.status} ${res.text.slice(0, 200)})`;
    assert.equal(res.status, expected, name);
    const path = url.split('?')[0]!;
    const found = patterns.filter((p) => p.pattern.test(path));
    assert.equal(found.length, 1, `${name}: one documented path`);
    const docPath = found[0]!.path;
    const op = doc.paths[docPath]?.[method.toLowerCase()];
    assert.ok(op, `${name}: documented as ${method} ${docPath}`);
    const status = String(res.status);
    // `default`: a trigger's or v1 route's function may answer with a status of its own.
    const documented = op.responses[status] ?? op.responses['default'];
    assert.ok(documented, `${name}: ${op.operationId} documents ${status}`);
    answered.add(`${op.operationId} ${status}`);
    if (status.startsWith('2')) succeeded.add(op.operationId);
    if (res.text === '' || method === 'HEAD') return res;
    const mediaType = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const content = documented.content ?? {};
    const media = mediaType in content ? mediaType : '*/*';
    assert.ok(content[media], `${name}: ${op.operationId} ${status} documents ${mediaType}`);
    if (mediaType === 'application/json') {
      const validate = ajv.getSchema(
        pointer('paths', docPath, method.toLowerCase(), 'responses', status, 'content', media, 'schema'),
      );
      assert.ok(validate, name);
      assert.ok(validate(res.json()), `${name}: ${JSON.stringify(validate.errors)}`);
    }
    return res;
  };

  before(async () => {
    fnode = await startTestFnode({ FNODE_AUTH: 'on', FN_MAX_REQUEST_SIZE: '65536' });
    admin = fnode.adminToken!.secret;
    doc = (await http(fnode.url, 'GET', '/v2/openapi.json')).json<Document>();
    ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema(closed(doc), 'openapi.json');
    patterns = pathPatterns(doc);
  });
  after(async () => fnode?.stop());

  it('the service routes, open and not', async () => {
    await call(200, 'GET', '/', { token: null });
    await call(200, 'GET', '/version', { token: null });
    await call(200, 'GET', '/v2/openapi.json', { token: null });
    await call(200, 'GET', '/v2/docs', { token: null });
    await call(200, 'GET', '/health/live', { token: null });
    await call(200, 'GET', '/health/ready', { token: null });
    await call(200, 'GET', '/metrics');
    await call(401, 'GET', '/metrics', { token: null });
  });

  it('tokens, apps, fns, triggers, invocations, calls and the v1 API, with the errors each gives', async () => {
    const big = 'x'.repeat(70_000);
    // Tokens.
    const made = (await call(200, 'POST', '/v2/tokens', { body: { name: 'r', scope: 'read' } })).json<{
      id: string;
      token: string;
    }>();
    reader = made.token;
    await call(200, 'GET', '/v2/tokens');
    await call(400, 'POST', '/v2/tokens', { body: { name: 'x', scope: 'root' } });
    await call(403, 'GET', '/v2/tokens', { token: reader });
    await call(401, 'GET', '/v2/tokens', { token: 'not-a-token' });
    const doomed = (await call(200, 'POST', '/v2/tokens', { body: { name: 'd', scope: 'read' } })).json<{
      id: string;
    }>();
    await call(204, 'DELETE', `/v2/tokens/${doomed.id}`);
    await call(404, 'DELETE', `/v2/tokens/${doomed.id}`);

    // Apps.
    const appBody = {
      name: 'conform',
      config: { A: 'b' },
      annotations: { note: { any: ['json'] } },
      syslog_url: 'tcp://127.0.0.1:1',
      shape: 'GENERIC_X86',
    };
    const app = (await call(200, 'POST', '/v2/apps', { body: appBody })).json<{ id: string }>();
    await call(409, 'POST', '/v2/apps', { body: appBody });
    await call(400, 'POST', '/v2/apps', { body: '{"name":' });
    await call(413, 'POST', '/v2/apps', { body: { name: big } });
    await call(401, 'POST', '/v2/apps', { body: { name: 'nope' }, token: null });
    await call(403, 'POST', '/v2/apps', { body: { name: 'nope' }, token: reader });
    await call(200, 'GET', '/v2/apps');
    await call(200, 'GET', '/v2/apps?per_page=1');
    await call(200, 'GET', `/v2/apps/${app.id}`);
    await call(404, 'GET', '/v2/apps/nope');
    await call(200, 'PUT', `/v2/apps/${app.id}`, { body: { config: { C: 'd' } } });
    await call(409, 'PUT', `/v2/apps/${app.id}`, { body: { name: 'renamed' } });

    // Fns.
    const fnOf = async (name: string, image: string, extra: object = {}) =>
      (await call(200, 'POST', '/v2/fns', { body: { app_id: app.id, name, image, ...extra } })).json<{
        id: string;
      }>().id;
    const hello = await fnOf('hello', 'fnode-test/hello', {
      config: { FOO: 'bar' },
      annotations: { 'fnode.io/async-retries': 0 },
    });
    const crash = await fnOf('crash', 'fnode-test/crash');
    const sleep = await fnOf('sleep', 'fnode-test/sleep', { timeout: 1 });
    await call(400, 'POST', '/v2/fns', { body: { app_id: app.id, name: 'noimage' } });
    await call(404, 'POST', '/v2/fns', { body: { app_id: 'X'.repeat(26), name: 'n', image: 'i' } });
    await call(409, 'POST', '/v2/fns', { body: { app_id: app.id, name: 'hello', image: 'i' } });
    await call(200, 'GET', `/v2/fns?app_id=${app.id}`);
    await call(400, 'GET', '/v2/fns');
    await call(200, 'GET', `/v2/fns/${hello}`);
    await call(404, 'GET', '/v2/fns/nope');
    await call(200, 'PUT', `/v2/fns/${hello}`, { body: { memory: 256 } });
    await call(400, 'PUT', `/v2/fns/${hello}`, { body: { memory: 100_000 } });

    // Triggers: /hello, and / (served at /t/conform).
    const triggerOf = async (name: string, source: string) =>
      (
        await call(200, 'POST', '/v2/triggers', {
          body: { app_id: app.id, fn_id: hello, name, type: 'http', source, annotations: { n: 1 } },
        })
      ).json<{ id: string }>().id;
    const trigger = await triggerOf('hello', '/hello');
    await triggerOf('root', '/');
    await call(409, 'POST', '/v2/triggers', {
      body: { app_id: app.id, fn_id: hello, name: 'again', type: 'http', source: '/hello' },
    });
    await call(400, 'POST', '/v2/triggers', { body: { app_id: app.id, fn_id: hello, name: 'bad' } });
    await call(200, 'GET', `/v2/triggers?app_id=${app.id}`);
    await call(400, 'GET', '/v2/triggers');
    await call(200, 'GET', `/v2/triggers/${trigger}`);
    await call(404, 'GET', '/v2/triggers/nope');
    await call(200, 'PUT', `/v2/triggers/${trigger}`, { body: { annotations: { n: 2 } } });
    await call(200, 'GET', `/v2/runner/apps/${app.id}/triggerBySource/http//hello`);
    await call(404, 'GET', `/v2/runner/apps/${app.id}/triggerBySource/http//nope`);
    // Event triggers (issue 17): a schedule and its status on this node.
    const cron = (
      await call(200, 'POST', '/v2/triggers', {
        body: { app_id: app.id, fn_id: hello, name: 'yearly', type: 'cron', source: '0 0 1 1 *' },
      })
    ).json<{ id: string }>().id;
    await call(400, 'POST', '/v2/triggers', {
      body: { app_id: app.id, fn_id: hello, name: 'badcron', type: 'cron', source: 'often' },
    });
    await call(200, 'GET', `/v2/triggers/${cron}/status`);
    await call(200, 'GET', `/v2/triggers/${trigger}/status`);
    await call(404, 'GET', '/v2/triggers/nope/status');

    // Invocations: sync, detached, async; errors of the function and of the request.
    const json = { 'content-type': 'application/json' };
    await call(200, 'POST', `/invoke/${hello}`, { body: { name: 'you' } });
    await call(202, 'POST', `/invoke/${hello}`, { body: 'x', headers: { 'fn-invoke-type': 'detached' } });
    const asyncCall = (
      await call(202, 'POST', `/invoke/${hello}`, { body: 'x', headers: { 'fn-invoke-type': 'async' } })
    ).json<{ call_id: string }>().call_id;
    await call(400, 'POST', `/invoke/${hello}`, { body: 'x', headers: { 'fn-invoke-type': 'later' } });
    await call(404, 'POST', `/invoke/${'0'.repeat(26)}`, { body: 'x' });
    await call(413, 'POST', `/invoke/${hello}`, { body: big });
    await call(401, 'POST', `/invoke/${hello}`, { body: 'x', token: null });
    await call(403, 'POST', `/invoke/${hello}`, { body: 'x', token: reader });
    await call(502, 'POST', `/invoke/${crash}`, { body: 'x' });
    // A hot container first: on a loaded machine a cold start alone can outlast the 1 s timeout
    // (a call that never got a container is a 503, not the 504 under test). The container a
    // timed-out call waited for still starts, so a later call finds it.
    await eventually(async () => {
      const r = await http(fnode.url, 'POST', `/invoke/${sleep}`, '0', { authorization: `Bearer ${admin}` });
      return r.status === 200 ? true : undefined;
    }, 60_000);
    await call(504, 'POST', `/invoke/${sleep}`, { body: '3000' });
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const body = ['GET', 'HEAD'].includes(method) ? undefined : { name: method };
      await call(200, method, '/t/conform/hello', { body, headers: body ? json : {} });
      await call(200, method, '/t/conform', { body, headers: body ? json : {} });
    }
    await call(202, 'POST', '/t/conform/hello', { body: 'x', headers: { 'fn-invoke-type': 'async' } });
    await call(404, 'GET', '/t/conform/nope');
    await call(404, 'GET', '/t/nope/hello');
    await call(413, 'POST', '/t/conform/hello', { body: big });
    await call(401, 'GET', '/t/conform/hello', { token: null });
    await call(403, 'GET', '/t/conform/hello', { token: reader });

    // Calls.
    const final = (fnId: string, id: string) =>
      eventually(async () => {
        const c = (
          await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}`, undefined, {
            authorization: `Bearer ${admin}`,
          })
        ).json<{ status: string }>();
        return ['success', 'error', 'cancelled'].includes(c.status) ? c : undefined;
      }, 30_000);
    await final(hello, asyncCall);
    const deadCall = (
      await call(202, 'POST', `/invoke/${crash}`, { body: 'x', headers: { 'fn-invoke-type': 'async' } })
    ).json<{ call_id: string }>().call_id;
    await final(crash, deadCall);
    await call(200, 'GET', `/v2/fns/${hello}/calls`);
    await call(200, 'GET', `/v2/fns/${hello}/calls?per_page=1`);
    await call(400, 'GET', `/v2/fns/${hello}/calls?from_time=yesterday`);
    await call(404, 'GET', '/v2/fns/nope/calls');
    await call(200, 'GET', `/v2/fns/${hello}/calls/${asyncCall}`);
    await call(404, 'GET', `/v2/fns/${hello}/calls/${'0'.repeat(26)}`);
    await call(200, 'GET', `/v2/fns/${hello}/calls/${asyncCall}/log`);
    await call(200, 'GET', `/v2/fns/${hello}/calls/${asyncCall}/log`, { headers: { accept: 'text/plain' } });
    await call(406, 'GET', `/v2/fns/${hello}/calls/${asyncCall}/log`, { headers: { accept: 'image/png' } });
    await call(404, 'GET', `/v2/fns/${hello}/calls/${'0'.repeat(26)}/log`);
    await call(200, 'GET', `/v2/fns/${hello}/calls/${asyncCall}/response`);
    await call(404, 'GET', `/v2/fns/${hello}/calls/${'0'.repeat(26)}/response`);
    await call(200, 'GET', `/v2/fns/${crash}/dead-letters`);
    await call(404, 'GET', '/v2/fns/nope/dead-letters');
    await call(200, 'GET', `/v2/fns/${hello}/pending-calls`);
    await call(404, 'GET', '/v2/fns/nope/pending-calls');
    await call(200, 'GET', `/v2/fns/${hello}/pending-calls`, { token: reader });
    await call(401, 'GET', `/v2/fns/${hello}/pending-calls`, { token: null });
    const stats = (await call(200, 'GET', '/v2/stats', { token: reader })).json<{
      totals: { calls: number };
    }>();
    assert.ok(stats.totals.calls > 0, 'the calls made so far are in the overview');
    await call(200, 'GET', `/v2/stats?fn_id=${hello}`);
    await call(401, 'GET', '/v2/stats', { token: null });
    await call(409, 'POST', `/v2/fns/${hello}/calls/${asyncCall}/redrive`);
    await call(202, 'POST', `/v2/fns/${crash}/calls/${deadCall}/redrive`);
    await call(409, 'POST', `/v2/fns/${hello}/calls/${asyncCall}/cancel`);
    const delayed = (
      await call(202, 'POST', `/invoke/${hello}`, {
        body: 'x',
        headers: { 'fn-invoke-type': 'async', 'fn-async-delay': '600' },
      })
    ).json<{ call_id: string }>().call_id;
    await call(200, 'POST', `/v2/fns/${hello}/calls/${delayed}/cancel`);
    await call(404, 'POST', `/v2/fns/${hello}/calls/${'0'.repeat(26)}/cancel`);

    // The v1 API and /r.
    await call(200, 'POST', '/v1/apps', { body: { app: { name: 'conformv1', config: { A: 'b' } } } });
    await call(409, 'POST', '/v1/apps', { body: { app: { name: 'conformv1' } } });
    await call(400, 'POST', '/v1/apps', { body: {} });
    await call(413, 'POST', '/v1/apps', { body: { app: { name: big } } });
    await call(401, 'GET', '/v1/apps', { token: null });
    await call(403, 'POST', '/v1/apps', { body: { app: { name: 'nope' } }, token: reader });
    await call(200, 'GET', '/v1/apps');
    await call(200, 'GET', '/v1/apps/conform');
    await call(404, 'GET', '/v1/apps/nope');
    await call(200, 'PATCH', '/v1/apps/conformv1', { body: { app: { config: { B: 'c' } } } });
    await call(409, 'PATCH', '/v1/apps/conformv1', { body: { app: { name: 'other' } } });
    const route = { image: 'fnode-test/hello', format: 'http-stream', headers: { 'X-Route': ['1'] } };
    await call(200, 'POST', '/v1/apps/conformv1/routes', { body: { route: { ...route, path: '/hello' } } });
    await call(409, 'POST', '/v1/apps/conformv1/routes', { body: { route: { ...route, path: '/hello' } } });
    await call(400, 'POST', '/v1/apps/conformv1/routes', { body: { route: { image: 'x' } } });
    await call(200, 'PUT', '/v1/apps/conformv1/routes/', { body: { route: { ...route, cpus: '500m' } } });
    await call(200, 'PUT', '/v1/apps/conformv1/routes/async', {
      body: { route: { ...route, type: 'async' } },
    });
    await call(200, 'GET', '/v1/apps/conformv1/routes');
    await call(404, 'GET', '/v1/apps/nope/routes');
    await call(200, 'GET', '/v1/apps/conformv1/routes/hello');
    await call(404, 'GET', '/v1/apps/conformv1/routes/nope');
    await call(200, 'PATCH', '/v1/apps/conformv1/routes/hello', { body: { route: { memory: 64 } } });
    await call(404, 'PATCH', '/v1/apps/conformv1/routes/nope', { body: { route: { memory: 64 } } });
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const body = ['GET', 'HEAD'].includes(method) ? undefined : { name: method };
      await call(200, method, '/r/conformv1/hello', { body, headers: body ? json : {} });
      await call(200, method, '/r/conformv1', { body, headers: body ? json : {} });
    }
    await call(202, 'POST', '/r/conformv1/async', { body: 'x' });
    await call(404, 'GET', '/r/conformv1/nope');
    await call(404, 'GET', '/r/nope/hello');
    await call(413, 'POST', '/r/conformv1/hello', { body: big });
    await call(401, 'GET', '/r/conformv1/hello', { token: null });
    await call(403, 'GET', '/r/conformv1/hello', { token: reader });
    const v1Calls = await eventually(async () => {
      const r = await http(fnode.url, 'GET', '/v1/apps/conformv1/calls', undefined, {
        authorization: `Bearer ${admin}`,
      });
      const calls = r.json<{ calls: { id: string; status: string }[] }>().calls;
      return calls.length > 2 && calls.every((c) => c.status !== 'queued' && c.status !== 'running')
        ? calls
        : undefined;
    }, 30_000);
    const v1Call = v1Calls[0]!.id;
    await call(200, 'GET', '/v1/apps/conformv1/calls');
    await call(400, 'GET', '/v1/apps/conformv1/calls?to_time=soon');
    await call(404, 'GET', '/v1/apps/nope/calls');
    await call(200, 'GET', `/v1/apps/conformv1/calls/${v1Call}`);
    await call(404, 'GET', `/v1/apps/conformv1/calls/${'0'.repeat(26)}`);
    await call(200, 'GET', `/v1/apps/conformv1/calls/${v1Call}/log`);
    await call(200, 'GET', `/v1/apps/conformv1/calls/${v1Call}/log`, { headers: { accept: 'text/plain' } });
    await call(406, 'GET', `/v1/apps/conformv1/calls/${v1Call}/log`, { headers: { accept: 'image/png' } });
    await call(404, 'GET', `/v1/apps/conformv1/calls/${'0'.repeat(26)}/log`);
    await call(200, 'DELETE', '/v1/apps/conformv1/routes/hello');
    await call(404, 'DELETE', '/v1/apps/conformv1/routes/hello');
    await call(200, 'DELETE', '/v1/apps/conformv1');
    await call(404, 'DELETE', '/v1/apps/conformv1');

    // Deletions last.
    await call(204, 'DELETE', `/v2/triggers/${trigger}`);
    await call(404, 'DELETE', `/v2/triggers/${trigger}`);
    await call(403, 'DELETE', `/v2/fns/${sleep}`, { token: reader });
    await call(204, 'DELETE', `/v2/fns/${sleep}`);
    await call(404, 'DELETE', `/v2/fns/${sleep}`);
    await call(204, 'DELETE', `/v2/apps/${app.id}`);
    await call(404, 'DELETE', `/v2/apps/${app.id}`);
  });

  it('answers 503 while it shuts down, readiness included', async () => {
    const app = (await call(200, 'POST', '/v2/apps', { body: { name: 'stopping' } })).json<{ id: string }>();
    const fnId = (
      await call(200, 'POST', '/v2/fns', { body: { app_id: app.id, name: 's', image: 'fnode-test/sleep' } })
    ).json<{ id: string }>().id;
    await call(200, 'POST', `/invoke/${fnId}`, { body: '1' });
    // A running call keeps the server draining, and answering, for a while.
    const running = call(200, 'POST', `/invoke/${fnId}`, { body: '2000' });
    await eventually(() => (fnode.agent?.stats().busy ?? 0) > 0 || undefined);
    const closed = fnode.close();
    const refused = await call(503, 'GET', '/health/ready', { token: null });
    assert.match(refused.json<{ message: string }>().message, /^Server is shutting down/);
    await call(503, 'GET', '/v2/apps');
    await call(503, 'POST', `/invoke/${fnId}`, { body: '1' });
    await running;
    await closed;
  });

  it('has had a success answer from every operation it documents', () => {
    const all = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.deepEqual(
      all.filter((id) => !succeeded.has(id)),
      [],
      'operations never answered 2xx',
    );
    // And the errors a client can provoke: 71 pairs of operation and status in all.
    const errors = [...answered].filter((a) => Number(a.split(' ')[1]) >= 400);
    assert.ok(errors.length >= 70, `${errors.length} errors checked`);
    const statuses = new Set(errors.map((a) => a.split(' ')[1]));
    assert.deepEqual([...statuses].sort(), [
      '400',
      '401',
      '403',
      '404',
      '406',
      '409',
      '413',
      '502',
      '503',
      '504',
    ]);
  });
});
