import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { accessFor } from '../../src/auth/index.js';
import type { Call } from '../../src/models/index.js';
import { CallSchema } from '../../src/server/schemas/call-schemas.js';
import { http, startTestFnode, type TestFnode } from '../helpers/fnode.js';

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }
  >;
  security?: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(doc: Document): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  );
}

/** Fastify's route syntax of a documented path, as the auth rules read it. */
const routeOf = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

describe('the OpenAPI document', () => {
  let fnode: TestFnode;
  let doc: Document;
  before(async () => {
    // With authentication on, /v2/tokens is served and documented too.
    fnode = await startTestFnode({ FNODE_AUTH: 'on' });
    const res = await http(fnode.url, 'GET', '/v2/openapi.json');
    assert.equal(res.status, 200, 'the document needs no token');
    doc = res.json<Document>();
  });
  after(async () => fnode?.stop());

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
    assert.equal(validator.version, '3.1');
  });

  it('gives every operation a unique operationId, a tag, a summary and a success answer', () => {
    const ids = new Map<string, string>();
    for (const { method, path, op } of operations(doc)) {
      const name = `${method.toUpperCase()} ${path}`;
      assert.ok(METHODS.includes(method), `${name}: a method OpenAPI 3.1 knows`);
      assert.match(op.operationId ?? '', /^[a-z][A-Za-z0-9]*$/, `${name}: operationId`);
      assert.equal(ids.get(op.operationId!), undefined, `${name}: operationId ${op.operationId} is unique`);
      ids.set(op.operationId!, name);
      assert.ok(op.tags?.length, `${name}: tag`);
      assert.ok(op.summary, `${name}: summary`);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      assert.ok(success.length > 0, `${name}: a 2xx answer`);
      for (const s of success) {
        if (s === '204') continue;
        assert.ok(op.responses[s]?.content, `${name}: ${s} has a body schema`);
      }
      for (const [status, res] of Object.entries(op.responses))
        assert.ok(res.description, `${name} ${status}`);
    }
    assert.ok(ids.size > 70, `${ids.size} operations`);
  });

  it('is the same document on every start: operationIds and all', async () => {
    const other = await startTestFnode({ FNODE_AUTH: 'on' });
    try {
      const again = (await http(other.url, 'GET', '/v2/openapi.json')).json<Document>();
      assert.deepEqual(again, doc);
    } finally {
      await other.stop();
    }
  });

  it('declares every path parameter by name, wildcards as {path}', () => {
    for (const { method, path, op } of operations(doc)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      assert.deepEqual(
        declared.map((p) => p.name).sort(),
        [...inPath].sort(),
        `${method.toUpperCase()} ${path}: path parameters`,
      );
      for (const p of declared) assert.equal(p.required, true, `${path}: ${p.name} is required`);
      assert.ok(!path.includes('*'), path);
    }
    assert.ok(doc.paths['/t/{app_name}/{path}'] && doc.paths['/r/{app_name}/{path}']);
    assert.ok(doc.paths['/v2/runner/apps/{app_id}/triggerBySource/{trigger_type}/{path}']);
  });

  it('documents the methods a trigger and a v1 route take, each its own operation with a body where one is read', () => {
    for (const [path, prefix] of [
      ['/t/{app_name}', 'invokeRootTrigger'],
      ['/t/{app_name}/{path}', 'invokeTrigger'],
      ['/r/{app_name}', 'invokeV1RootRoute'],
      ['/r/{app_name}/{path}', 'invokeV1Route'],
    ] as const) {
      const item = doc.paths[path]!;
      assert.deepEqual(Object.keys(item).sort(), [
        'delete',
        'get',
        'head',
        'options',
        'patch',
        'post',
        'put',
      ]);
      for (const [method, op] of Object.entries(item)) {
        assert.equal(op.operationId, `${prefix}${method[0]!.toUpperCase()}${method.slice(1)}`);
        assert.equal(
          op.requestBody !== undefined,
          !['get', 'head'].includes(method),
          `${method} ${path} body`,
        );
        assert.deepEqual(op.security, [{ bearer: [] }, {}], 'a public trigger or route needs no token');
      }
    }
  });

  it('still routes the methods it leaves out (TRACE, QUERY) to triggers and v1 routes', async () => {
    for (const method of ['TRACE', 'QUERY']) {
      // QUERY carries a body, and Fastify wants its Content-Type.
      const body = method === 'QUERY' ? 'x' : undefined;
      const headers = {
        authorization: `Bearer ${fnode.adminToken!.secret}`,
        ...(body ? { 'content-type': 'text/plain' } : {}),
      };
      const trigger = await http(fnode.url, method, '/t/nope/x', body, headers);
      assert.equal(trigger.status, 404, `${method} /t`);
      assert.deepEqual(trigger.json(), { message: 'App not found' });
      const route = await http(fnode.url, method, '/r/nope/x', body, headers);
      assert.equal(route.status, 404, `${method} /r`);
      assert.deepEqual(route.json(), { error: { message: 'App not found' } });
    }
  });

  it('marks exactly the routes anyone may call as open, and gives the others 401 and 403', () => {
    const open: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const name = `${method.toUpperCase()} ${path}`;
      const access = accessFor(method.toUpperCase(), routeOf(path));
      if (access.need === 'open') {
        open.push(name);
        assert.deepEqual(op.security, [], `${name} needs no token`);
        assert.equal(op.responses['401'], undefined, name);
        continue;
      }
      if (!access.publicCall) assert.equal(op.security, undefined, `${name}: the document's bearer token`);
      for (const status of ['401', '403']) assert.ok(op.responses[status], `${name} ${status}`);
    }
    assert.deepEqual(open.sort(), [
      'GET /',
      'GET /health/live',
      'GET /health/ready',
      'GET /v2/docs',
      'GET /v2/openapi.json',
      'GET /version',
    ]);
  });

  it("documents the dashboard's endpoints, not its page: /v2/stats and a fn's pending calls, nothing under /ui", () => {
    const stats = doc.paths['/v2/stats']?.get;
    assert.equal(stats?.operationId, 'getStats');
    assert.deepEqual(stats?.tags, ['stats']);
    assert.deepEqual((stats?.parameters ?? []).map((p) => `${p.in} ${p.name}`).sort(), [
      'query app_id',
      'query fn_id',
    ]);
    assert.equal(accessFor('GET', '/v2/stats').need, 'read');
    const pending = doc.paths['/v2/fns/{fn_id}/pending-calls']?.get;
    assert.equal(pending?.operationId, 'countPendingCalls');
    assert.ok(pending?.responses['404'], 'an unknown fn');
    assert.deepEqual(accessFor('GET', '/v2/fns/x/pending-calls'), {
      need: 'read',
      app: { kind: 'fn-id', id: 'x' },
    });
    assert.deepEqual(
      Object.keys(doc.paths).filter((p) => p.startsWith('/ui')),
      [],
    );
  });

  it("answers every error in its family's shape: v1's on /v1 and /r, Fn's {message} elsewhere", () => {
    for (const { method, path, op } of operations(doc)) {
      const shape = /^\/(v1|r)\//.test(path) ? '#/components/schemas/V1Error' : '#/components/schemas/Error';
      for (const [status, res] of Object.entries(op.responses)) {
        // `default`: a function's own answer, on a trigger or a v1 route.
        if (status === 'default' || Number(status) < 400 || path === '/health/ready') continue;
        assert.equal(
          res.content?.['application/json']?.schema?.$ref,
          shape,
          `${method.toUpperCase()} ${path} ${status}`,
        );
      }
      for (const status of ['500', '503'])
        assert.ok(op.responses[status], `${method.toUpperCase()} ${path} ${status}`);
    }
  });

  it("names every field of Fn's call records, but the fn's config", () => {
    // Listing each field of the model (the compiler checks the list is whole) against the schema.
    const fields: Record<Exclude<keyof Call, 'config'>, true> = {
      id: true,
      status: true,
      app_id: true,
      app_name: true,
      fn_id: true,
      trigger_id: true,
      path: true,
      image: true,
      type: true,
      format: true,
      memory: true,
      cpus: true,
      timeout: true,
      idle_timeout: true,
      priority: true,
      headers: true,
      method: true,
      url: true,
      payload: true,
      payload_encoding: true,
      created_at: true,
      started_at: true,
      completed_at: true,
      stats: true,
      error: true,
      reason: true,
      execution_duration: true,
      attempt: true,
      runs: true,
      retry_of: true,
      event_at: true,
      run_at: true,
      dead_letter: true,
    };
    assert.deepEqual(Object.keys(CallSchema.properties).sort(), Object.keys(fields).sort());
    assert.deepEqual(
      Object.keys(doc.components.schemas['Call']?.properties ?? {}).sort(),
      Object.keys(fields).sort(),
    );
    const list = doc.paths['/v2/fns/{fn_id}/calls']?.get?.responses['200'];
    assert.ok(list?.content?.['application/json']);
  });
});
