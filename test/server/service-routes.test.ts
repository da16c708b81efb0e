import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, send, startTestServer } from './helpers.js';

describe('service endpoints', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ version: '1.2.3' });
  });
  after(() => s.close());

  it("GET / answers Fn's health document", async () => {
    const res = await send(s.app, 'GET', '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.raw, '{"hello":"world!","goto":"https://github.com/fnproject/fn"}');
  });

  it('GET /version answers the configured version', async () => {
    const res = await send(s.app, 'GET', '/version');
    assert.deepEqual([res.status, res.body], [200, { version: '1.2.3' }]);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.raw, '{"version":"1.2.3"}');
  });

  it('HEAD / answers without a body', async () => {
    const res = await send(s.app, 'HEAD', '/');
    assert.deepEqual([res.status, res.raw], [200, '']);
  });
});

describe('unknown paths and methods', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('answer 404 Path not found with the method and path, without the query', async () => {
    for (const [method, url, path] of [
      ['GET', '/nope?x=1', '/nope'],
      ['POST', '/v2/things', '/v2/things'],
      ['GET', '/v2/apps/a/b', '/v2/apps/a/b'],
      ['DELETE', '/v2', '/v2'],
      ['GET', '/caf%C3%A9', '/café'],
    ] as const) {
      const res = await send(s.app, method, url);
      assert.deepEqual([res.status, res.body], [404, { message: `Path not found: ${method} ${path}` }], url);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    }
  });

  it('answer 404 whatever the body or its content type', async () => {
    const res = await send(s.app, 'POST', '/nope', '<xml/>', { 'content-type': 'application/xml' });
    assert.deepEqual([res.status, res.body], [404, { message: 'Path not found: POST /nope' }]);
    const bad = await send(s.app, 'POST', '/nope', '{bad', { 'content-type': 'application/json' });
    assert.equal(bad.status, 404);
  });

  it('answer 405 Method not allowed when another method serves the path', async () => {
    for (const [method, url] of [
      ['PATCH', '/v2/apps'],
      ['DELETE', '/v2/apps'],
      ['POST', '/v2/apps/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['PATCH', '/v2/fns/x'],
      ['POST', '/v2/triggers/x'],
      ['PUT', '/v2/triggers'],
      ['POST', '/version'],
      ['DELETE', '/'],
      ['OPTIONS', '/v2/fns'],
    ] as const) {
      const res = await send(s.app, method, url);
      assert.deepEqual(
        [res.status, res.body],
        [405, { message: `Method not allowed: ${method} ${url}` }],
        url,
      );
    }
  });

  it('answer a malformed percent-escape with a 400 in the error shape', async () => {
    const res = await send(s.app, 'GET', '/v2/apps/%zz');
    assert.equal(res.status, 400);
    assert.equal(typeof res.body.message, 'string');
    assert.deepEqual(Object.keys(res.body), ['message']);
  });
});

describe('GET /v2/openapi.json', () => {
  let s: TestServer;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document read field by field
  let doc: any;
  before(async () => {
    s = await startTestServer({
      version: '4.5.6',
      plugins: [
        async (app) => {
          app.post('/invoke/:fn_id', { schema: { summary: 'extra plugin route' } }, async () => ({}));
        },
      ],
    });
    const res = await send(s.app, 'GET', '/v2/openapi.json');
    assert.equal(res.status, 200);
    doc = res.body;
  });
  after(() => s.close());

  it('is an OpenAPI 3.1 document for this version', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.version, '4.5.6');
  });

  it('lists every route with its methods, plugin routes included', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    assert.deepEqual(
      new Set(ops),
      new Set([
        'GET /',
        'GET /version',
        'GET /v2/openapi.json',
        'GET /v2/docs',
        'GET /v2/apps',
        'POST /v2/apps',
        'GET /v2/apps/{app_id}',
        'PUT /v2/apps/{app_id}',
        'DELETE /v2/apps/{app_id}',
        'GET /v2/fns',
        'POST /v2/fns',
        'GET /v2/fns/{fn_id}',
        'PUT /v2/fns/{fn_id}',
        'DELETE /v2/fns/{fn_id}',
        'GET /v2/triggers',
        'POST /v2/triggers',
        'GET /v2/triggers/{trigger_id}',
        'PUT /v2/triggers/{trigger_id}',
        'DELETE /v2/triggers/{trigger_id}',
        'GET /v2/runner/apps/{app_id}/triggerBySource/{trigger_type}/{path}',
        'POST /invoke/{fn_id}',
      ]),
    );
  });

  it('names the entity and error schemas and references them', () => {
    assert.deepEqual(Object.keys(doc.components.schemas).sort(), [
      'App',
      'Call',
      'Error',
      'Fn',
      'Token',
      'Trigger',
      'V1Error',
    ]);
    assert.deepEqual(doc.components.securitySchemes.bearer, {
      type: 'http',
      scheme: 'bearer',
      description: 'An fnode API token (fnode token create)',
    });
    assert.deepEqual(doc.components.schemas.Fn.required.sort(), [
      'app_id',
      'config',
      'created_at',
      'id',
      'idle_timeout',
      'image',
      'memory',
      'name',
      'timeout',
      'updated_at',
    ]);
    const createFn = doc.paths['/v2/fns'].post;
    assert.equal(
      createFn.responses['200'].content['application/json'].schema.$ref,
      '#/components/schemas/Fn',
    );
    assert.equal(
      createFn.responses['409'].content['application/json'].schema.$ref,
      '#/components/schemas/Error',
    );
    const props = createFn.requestBody.content['application/json'].schema.properties;
    for (const field of [
      'name',
      'app_id',
      'image',
      'memory',
      'timeout',
      'idle_timeout',
      'config',
      'annotations',
    ]) {
      assert.ok(props[field], field);
    }
  });

  it('documents query parameters, path parameters and the delete status', () => {
    const list = doc.paths['/v2/triggers'].get;
    const params = list.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort();
    assert.deepEqual(params, ['query:app_id', 'query:cursor', 'query:fn_id', 'query:name', 'query:per_page']);
    const del = doc.paths['/v2/apps/{app_id}'].delete;
    assert.deepEqual(
      del.parameters.map((p: { name: string }) => p.name),
      ['app_id'],
    );
    assert.ok(del.responses['204']);
    assert.ok(del.responses['404']);
  });
});
