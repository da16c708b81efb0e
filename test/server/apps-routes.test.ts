import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  MISSING_ID,
  type TestServer,
  createApp,
  createFn,
  createTrigger,
  send,
  startTestServer,
  unique,
} from './helpers.js';

describe('/v2/apps', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  describe('POST', () => {
    it('creates an app and answers 200 with it', async () => {
      const name = unique('app');
      const res = await send(s.app, 'POST', '/v2/apps', {
        name,
        config: { A: 'b' },
        annotations: { 'example.com/k': { x: [1] } },
        syslog_url: 'tcp://127.0.0.1:514',
      });
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] as string, /^application\/json; charset=utf-8$/);
      assert.match(res.body.id, /^[0-9A-Z]{26}$/);
      assert.equal(res.body.name, name);
      assert.deepEqual(res.body.config, { A: 'b' });
      assert.deepEqual(res.body.annotations, { 'example.com/k': { x: [1] } });
      assert.equal(res.body.syslog_url, 'tcp://127.0.0.1:514');
      assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(res.body.updated_at, res.body.created_at);
    });

    it('rejects a supplied id', async () => {
      const res = await send(s.app, 'POST', '/v2/apps', { id: MISSING_ID, name: unique('app') });
      assert.deepEqual([res.status, res.body], [400, { message: 'App ID cannot be supplied on create' }]);
    });

    it('requires a name, null counting as missing', async () => {
      for (const body of [{}, { name: '' }, { name: null }]) {
        const res = await send(s.app, 'POST', '/v2/apps', body);
        assert.deepEqual([res.status, res.body], [400, { message: 'Missing Name' }], JSON.stringify(body));
      }
    });

    it('limits names to 255 bytes', async () => {
      const ok = await send(s.app, 'POST', '/v2/apps', { name: unique('a').padEnd(255, 'x') });
      assert.equal(ok.status, 200);
      const res = await send(s.app, 'POST', '/v2/apps', { name: unique('a').padEnd(256, 'x') });
      assert.deepEqual([res.status, res.body], [400, { message: 'App name must be 255 characters or less' }]);
    });

    it('accepts letters and digits of any script, _ and -, and nothing else', async () => {
      assert.equal((await send(s.app, 'POST', '/v2/apps', { name: unique('héllo_wörld-日本') })).status, 200);
      for (const name of ['a b', 'a/b', 'a.b', 'a:b']) {
        const res = await send(s.app, 'POST', '/v2/apps', { name });
        assert.deepEqual([res.status, res.body], [400, { message: 'Invalid app name' }], name);
      }
    });

    it('answers 409 for a name in use', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'POST', '/v2/apps', { name: app.name });
      assert.deepEqual([res.status, res.body], [409, { message: 'App already exists' }]);
    });

    it('rejects a syslog url with an unsupported scheme', async () => {
      const res = await send(s.app, 'POST', '/v2/apps', { name: unique('app'), syslog_url: 'http://x:1' });
      assert.equal(res.status, 400);
      assert.equal(
        res.body.message,
        'invalid syslog url: "http://x:1" invalid scheme, only [tcp, udp, unix, unixgram, tcp+tls] are supported',
      );
    });

    it('refuses a unixgram syslog url, which fnode cannot send to, rather than dropping its lines', async () => {
      const url = 'unixgram:///dev/log';
      const res = await send(s.app, 'POST', '/v2/apps', { name: unique('app'), syslog_url: url });
      assert.deepEqual(
        [res.status, res.body],
        [
          400,
          {
            message: `invalid syslog url: "${url}" unixgram is not supported by fnode, use unix, udp, tcp or tcp+tls`,
          },
        ],
      );
    });

    it('refuses a bare-word syslog url for its scheme, on create and update', async () => {
      const message =
        'invalid syslog url: "yo" invalid scheme, only [tcp, udp, unix, unixgram, tcp+tls] are supported';
      const created = await send(s.app, 'POST', '/v2/apps', { name: unique('app'), syslog_url: 'yo' });
      assert.deepEqual([created.status, created.body], [400, { message }]);
      const app = await createApp(s.app);
      const updated = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { syslog_url: 'yo' });
      assert.deepEqual([updated.status, updated.body], [400, { message }]);
    });

    it('accepts the known shapes and rejects others', async () => {
      const app = await createApp(s.app, { shape: 'GENERIC_ARM' });
      assert.equal(app.shape, 'GENERIC_ARM');
      const res = await send(s.app, 'POST', '/v2/apps', { name: unique('app'), shape: 'BIG' });
      assert.deepEqual([res.status, res.body], [400, { message: 'Invalid app shape' }]);
    });
  });

  describe('GET one', () => {
    it('answers the app', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'GET', `/v2/apps/${app.id}`);
      assert.deepEqual([res.status, res.body], [200, app]);
    });

    it('answers 404 App not found for unknown and malformed ids', async () => {
      for (const id of [
        MISSING_ID,
        'nope',
        encodeURIComponent('ünïcødé'),
        'A'.repeat(300),
        MISSING_ID.toLowerCase(),
      ]) {
        const res = await send(s.app, 'GET', `/v2/apps/${id}`);
        assert.deepEqual([res.status, res.body], [404, { message: 'App not found' }], id);
      }
    });
  });

  describe('PUT', () => {
    it('merges config and annotations, "" and null deleting keys', async () => {
      const app = await createApp(s.app, { config: { A: '1', B: '2' }, annotations: { a: 1, b: 2, c: 3 } });
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, {
        config: { A: '', C: '3' },
        annotations: { a: null, b: '', d: 'x' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.config, { B: '2', C: '3' });
      assert.deepEqual(res.body.annotations, { c: 3, d: 'x' });
      assert.equal(res.body.name, app.name);
      assert.equal(res.body.created_at, app.created_at);
    });

    it('sets and clears the syslog url', async () => {
      const app = await createApp(s.app);
      const set = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { syslog_url: 'udp://127.0.0.1:514' });
      assert.equal(set.body.syslog_url, 'udp://127.0.0.1:514');
      const kept = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { syslog_url: null });
      assert.equal(kept.body.syslog_url, 'udp://127.0.0.1:514');
      const cleared = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { syslog_url: '' });
      assert.equal(cleared.status, 200);
      assert.equal(cleared.body.syslog_url, undefined);
    });

    it('bumps updated_at only on a real change', async () => {
      const app = await createApp(s.app, { config: { A: '1' } });
      await new Promise((r) => setTimeout(r, 5));
      const same = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { config: { A: '1' } });
      assert.equal(same.body.updated_at, app.updated_at);
      const changed = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { config: { A: '2' } });
      assert.ok(changed.body.updated_at > app.updated_at);
    });

    it('accepts its own id and name in the body', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, {
        id: app.id,
        name: app.name,
        config: { K: 'v' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.config, { K: 'v' });
    });

    it('rejects a body id that differs from the path', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { id: MISSING_ID });
      assert.deepEqual(
        [res.status, res.body],
        [400, { message: 'App ID in path does not match ID in body' }],
      );
    });

    it('answers 409 for a new name', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { name: unique('other') });
      assert.deepEqual([res.status, res.body], [409, { message: 'Could not update - name is immutable' }]);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'x'.repeat(300)]) {
        const res = await send(s.app, 'PUT', `/v2/apps/${id}`, { config: { A: 'b' } });
        assert.deepEqual([res.status, res.body], [404, { message: 'App not found' }]);
      }
    });

    it('validates the merged annotations', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { annotations: { 'bad key': 1 } });
      assert.equal(res.status, 400);
      assert.match(res.body.message, /^Invalid annotation key, /);
    });

    it('validates the syslog url and the annotation count', async () => {
      const app = await createApp(s.app, { annotations: { a: 1 } });
      const bad = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { syslog_url: 'http://x' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /^invalid syslog url: "http:\/\/x" invalid scheme/);
      const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i + 1]));
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { annotations: many });
      assert.deepEqual(
        [res.status, res.body.message],
        [
          400,
          'Invalid annotation change, new key(s) exceed maximum permitted number of annotations keys (100)',
        ],
      );
    });

    it('ignores a shape', async () => {
      const app = await createApp(s.app, { shape: 'GENERIC_X86' });
      const res = await send(s.app, 'PUT', `/v2/apps/${app.id}`, { shape: 'GENERIC_ARM' });
      assert.equal(res.status, 200);
      assert.equal(res.body.shape, 'GENERIC_X86');
    });
  });

  describe('DELETE', () => {
    it('answers 204 with no body, then the app is gone', async () => {
      const app = await createApp(s.app);
      const res = await send(s.app, 'DELETE', `/v2/apps/${app.id}`);
      assert.equal(res.status, 204);
      assert.equal(res.raw, '');
      assert.equal((await send(s.app, 'GET', `/v2/apps/${app.id}`)).status, 404);
      const again = await send(s.app, 'DELETE', `/v2/apps/${app.id}`);
      assert.deepEqual([again.status, again.body], [404, { message: 'App not found' }]);
    });

    it('removes the fns and triggers of the app', async () => {
      const app = await createApp(s.app);
      const fn = await createFn(s.app, app.id);
      const trigger = await createTrigger(s.app, app.id, fn.id);
      assert.equal((await send(s.app, 'DELETE', `/v2/apps/${app.id}`)).status, 204);
      assert.equal((await send(s.app, 'GET', `/v2/fns/${fn.id}`)).status, 404);
      assert.equal((await send(s.app, 'GET', `/v2/triggers/${trigger.id}`)).status, 404);
    });

    it('answers 404 for a malformed id', async () => {
      const res = await send(s.app, 'DELETE', `/v2/apps/${encodeURIComponent('日本')}`);
      assert.deepEqual([res.status, res.body], [404, { message: 'App not found' }]);
    });
  });

  describe('GET list', () => {
    it('filters by exact name', async () => {
      const app = await createApp(s.app);
      await createApp(s.app, { name: `${app.name}x` });
      const res = await send(s.app, 'GET', `/v2/apps?name=${app.name}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { items: [app] });
    });

    it('answers an empty items array, never null', async () => {
      const res = await send(s.app, 'GET', `/v2/apps?name=${unique('none')}`);
      assert.deepEqual([res.status, res.body], [200, { items: [] }]);
    });
  });
});
