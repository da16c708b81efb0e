import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createApp, createFn, send, startTestServer, unique } from './helpers.js';

describe('v2 request bodies', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('are read as JSON whatever their Content-Type, or without one', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      ';;;',
      'garbage',
      '',
      undefined,
    ]) {
      const name = unique('app');
      const res = await send(s.app, 'POST', '/v2/apps', JSON.stringify({ name }), {
        ...(contentType !== undefined ? { 'content-type': contentType } : {}),
      });
      assert.equal(res.status, 200, String(contentType));
      assert.equal(res.body.name, name);
    }
  });

  // Found by test/security/hostile-input.test.ts: `{"image":"a\u0000b"}` was a 500 on PostgreSQL.
  it('answer Invalid JSON when a string or a key holds U+0000, on every datastore', async () => {
    const app = await createApp(s.app);
    for (const body of [
      { name: unique('app'), config: { K: 'a\u0000b' } },
      { name: unique('app'), annotations: { 'k\u0000': 1 } },
    ]) {
      const res = await send(s.app, 'POST', '/v2/apps', body);
      assert.deepEqual([res.status, res.body], [400, { message: 'Invalid JSON' }], JSON.stringify(body));
    }
    const fn = await send(s.app, 'POST', '/v2/fns', {
      app_id: app.id,
      name: unique('fn'),
      image: 'a\u0000b',
    });
    assert.deepEqual([fn.status, fn.body], [400, { message: 'Invalid JSON' }]);
    // An escaped backslash before `u0000` is no NUL.
    const literal = await send(s.app, 'POST', '/v2/fns', {
      app_id: app.id,
      name: unique('fn'),
      image: 'a\\u0000b',
    });
    assert.equal(literal.status, 200, literal.raw);
    assert.equal(literal.body.image, 'a\\u0000b');
  });

  // Found by test/security/hostile-input.test.ts: the write answered the unpaired surrogate that
  // JSON.parse kept, the datastore stored something else (three U+FFFD on SQLite), and a cached
  // fn's image made the Docker client throw.
  it("decode an unpaired surrogate escape as U+FFFD, as Go's decoder does; pairs stay", async () => {
    const name = unique('app');
    const raw = `{"name":"${name}","config":{"A":"x\\ud800y","\\udc00k":"v","P":"\\ud83c\\udf89"}}`;
    const res = await send(s.app, 'POST', '/v2/apps', raw, { 'content-type': 'application/json' });
    assert.equal(res.status, 200, res.raw);
    const config = { A: 'x\uFFFDy', '\uFFFDk': 'v', P: '🎉' };
    assert.deepEqual(res.body.config, config);
    assert.deepEqual((await send(s.app, 'GET', `/v2/apps/${res.body.id}`)).body.config, config);
  });

  it('answer Invalid JSON when malformed or empty', async () => {
    for (const raw of ['{"name":', 'nope', '', '{"name":"a"}}']) {
      const res = await send(s.app, 'POST', '/v2/apps', raw, { 'content-type': 'application/json' });
      assert.deepEqual([res.status, res.body], [400, { message: 'Invalid JSON' }], raw);
    }
    const none = await send(s.app, 'POST', '/v2/apps');
    assert.deepEqual([none.status, none.body], [400, { message: 'Invalid JSON' }]);
  });

  it('answer Invalid JSON when not an object', async () => {
    for (const raw of ['[]', '"x"', '42', 'null', 'true']) {
      const res = await send(s.app, 'POST', '/v2/apps', raw, { 'content-type': 'application/json' });
      assert.deepEqual([res.status, res.body], [400, { message: 'Invalid JSON' }], raw);
    }
  });

  it('answer Invalid JSON for a field of the wrong type, without coercion', async () => {
    const app = await createApp(s.app);
    const cases: [string, object][] = [
      ['/v2/apps', { name: 5 }],
      ['/v2/apps', { name: unique('a'), config: { a: 1 } }],
      ['/v2/apps', { name: unique('a'), config: ['a'] }],
      ['/v2/apps', { name: unique('a'), annotations: [1] }],
      ['/v2/apps', { name: unique('a'), annotations: 'x' }],
      ['/v2/apps', { name: unique('a'), syslog_url: 7 }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: 'i', memory: 'x' }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: 'i', memory: '128' }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: 'i', memory: 1.5 }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: 'i', memory: -1 }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: 'i', timeout: 2 ** 31 }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: 'i', idle_timeout: true }],
      ['/v2/fns', { app_id: app.id, name: unique('f'), image: ['i'] }],
      ['/v2/triggers', { app_id: app.id, name: unique('t'), source: { a: 1 } }],
      ['/v2/triggers', { app_id: app.id, name: unique('t'), created_at: 'yesterday' }],
    ];
    for (const [url, body] of cases) {
      const res = await send(s.app, 'POST', url, body);
      assert.deepEqual(
        [res.status, res.body],
        [400, { message: 'Invalid JSON' }],
        `${url} ${JSON.stringify(body)}`,
      );
    }
  });

  it('ignore unknown fields', async () => {
    const name = unique('app');
    const res = await send(s.app, 'POST', '/v2/apps', { name, colour: 'blue', nested: { deep: [1] } });
    assert.equal(res.status, 200);
    assert.equal(res.body.colour, undefined);
  });

  it('cannot reach an object prototype through __proto__ or constructor keys', async () => {
    const name = unique('app');
    const raw = `{"name":"${name}","__proto__":{"polluted":"yes"},"config":{"__proto__":{"polluted":"yes"},"A":"b"},"annotations":{"constructor":{"prototype":{"polluted":"yes"}},"k":{"__proto__":{"x":1}}}}`;
    const res = await send(s.app, 'POST', '/v2/apps', raw, { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.config, { A: 'b' });
    assert.deepEqual(res.body.annotations, { k: {} });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf(res.body), Object.prototype);
  });

  it('treat null fields as absent, as Go does', async () => {
    const missing = await send(s.app, 'POST', '/v2/fns', { app_id: null, name: null, image: null });
    assert.deepEqual([missing.status, missing.body], [400, { message: 'Missing AppID on Fn' }]);
    const app = await createApp(s.app, { config: null, annotations: null, syslog_url: null, shape: null });
    assert.equal(app.config, undefined);
    const fn = await createFn(s.app, app.id, {
      memory: null,
      timeout: null,
      idle_timeout: null,
      config: null,
    });
    assert.deepEqual([fn.memory, fn.timeout, fn.idle_timeout, fn.config], [128, 30, 30, {}]);
  });

  it('reject a null annotation value on create and delete the key on update', async () => {
    const res = await send(s.app, 'POST', '/v2/apps', { name: unique('app'), annotations: { a: null } });
    assert.equal(res.status, 400);
    assert.equal(
      res.body.message,
      'Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays',
    );
    const app = await createApp(s.app, { annotations: { a: 1, b: 2 } });
    const put = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { annotations: { a: null } });
    assert.deepEqual([put.status, put.body.annotations], [200, { b: 2 }]);
    const again = await send(s.app, 'GET', `/v2/apps/${app.id}`);
    assert.deepEqual(again.body.annotations, { b: 2 });
  });

  it('are ignored on DELETE, even when they are not JSON', async () => {
    const app = await createApp(s.app);
    const res = await send(s.app, 'DELETE', `/v2/apps/${app.id}`, 'not json', {
      'content-type': 'application/json',
    });
    assert.equal(res.status, 204);
  });
});

describe('annotation rules', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const post = (annotations: unknown) =>
    send(s.app, 'POST', '/v2/apps', { name: unique('app'), annotations });

  it('reject keys that are not printable ASCII without spaces', async () => {
    for (const key of ['a b', '', 'ключ', 'tab\t']) {
      const res = await post({ [key]: 'v' });
      assert.deepEqual(
        [res.status, res.body.message],
        [400, 'Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace'],
        JSON.stringify(key),
      );
    }
  });

  it('limit keys to 128 bytes', async () => {
    assert.equal((await post({ ['k'.repeat(128)]: 'v' })).status, 200);
    const res = await post({ ['k'.repeat(129)]: 'v' });
    assert.deepEqual(
      [res.status, res.body.message],
      [400, 'Invalid annotation key length, annotation keys may not be larger than 128 bytes'],
    );
  });

  it('reject empty values', async () => {
    const res = await post({ k: '' });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /^Invalid annotation value, /);
  });

  it('limit serialized values to 512 bytes', async () => {
    assert.equal((await post({ k: 'v'.repeat(510) })).status, 200);
    const res = await post({ k: 'v'.repeat(511) });
    assert.deepEqual(
      [res.status, res.body.message],
      [
        400,
        'Invalid annotation value length, annotation values may not be larger than 512 bytes when serialized as JSON',
      ],
    );
  });

  it('allow at most 100 keys', async () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i + 1]));
    assert.equal((await post(many(100))).status, 200);
    const res = await post(many(101));
    assert.deepEqual(
      [res.status, res.body.message],
      [
        400,
        'Invalid annotation change, new key(s) exceed maximum permitted number of annotations keys (100)',
      ],
    );
  });

  it('keep any JSON value as given', async () => {
    const annotations = { s: 'x', n: 1.5, o: { a: [true, null] }, arr: [1, 'two'], f: false };
    const res = await post(annotations);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.annotations, annotations);
  });
});
