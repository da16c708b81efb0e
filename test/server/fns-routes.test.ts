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

const INVOKE = 'fnproject.io/fn/invokeEndpoint';

describe('/v2/fns', () => {
  let s: TestServer;
  let appId: string;
  before(async () => {
    s = await startTestServer();
    appId = (await createApp(s.app)).id;
  });
  after(() => s.close());

  const post = (body: object) =>
    send(s.app, 'POST', '/v2/fns', { app_id: appId, name: unique('fn'), image: 'img:1', ...body });

  describe('POST', () => {
    it("creates a fn with Fn's defaults and its invoke endpoint", async () => {
      const name = unique('fn');
      const res = await send(
        s.app,
        'POST',
        '/v2/fns',
        { app_id: appId, name, image: 'img:1' },
        { host: 'fn.example:8080' },
      );
      assert.equal(res.status, 200);
      assert.match(res.body.id, /^[0-9A-Z]{26}$/);
      assert.deepEqual(
        [
          res.body.name,
          res.body.app_id,
          res.body.image,
          res.body.memory,
          res.body.timeout,
          res.body.idle_timeout,
        ],
        [name, appId, 'img:1', 128, 30, 30],
      );
      assert.deepEqual(res.body.config, {});
      assert.deepEqual(res.body.annotations, { [INVOKE]: `http://fn.example:8080/invoke/${res.body.id}` });
      assert.ok(res.body.created_at && res.body.updated_at);
    });

    it('keeps given resources, config and annotations', async () => {
      const res = await post({
        memory: 256,
        timeout: 300,
        idle_timeout: 3600,
        config: { A: 'b' },
        annotations: { x: 1 },
      });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.memory, res.body.timeout, res.body.idle_timeout], [256, 300, 3600]);
      assert.deepEqual(res.body.config, { A: 'b' });
      assert.equal(res.body.annotations.x, 1);
    });

    it('copies the shape of its app and ignores one in the body', async () => {
      const app = await createApp(s.app, { shape: 'GENERIC_ARM' });
      const fn = await createFn(s.app, app.id, { shape: 'GENERIC_X86' });
      assert.equal(fn.shape, 'GENERIC_ARM');
    });

    it('rejects a supplied id', async () => {
      const res = await post({ id: MISSING_ID });
      assert.deepEqual([res.status, res.body], [400, { message: 'ID cannot be provided for Fn creation' }]);
    });

    it('checks app_id, then name, then image', async () => {
      const none = await send(s.app, 'POST', '/v2/fns', {});
      assert.deepEqual([none.status, none.body], [400, { message: 'Missing AppID on Fn' }]);
      const noName = await send(s.app, 'POST', '/v2/fns', { app_id: appId });
      assert.deepEqual([noName.status, noName.body], [400, { message: 'Missing Fn name' }]);
      const noImage = await send(s.app, 'POST', '/v2/fns', { app_id: appId, name: unique('fn') });
      assert.deepEqual([noImage.status, noImage.body], [400, { message: 'Missing image on Fn' }]);
    });

    it('validates the name', async () => {
      for (const name of ['a b', 'a/b', 'a?b', 'a%b', 'ü']) {
        const res = await post({ name });
        assert.deepEqual([res.status, res.body], [400, { message: 'name must be a valid string' }], name);
      }
      assert.equal((await post({ name: `${unique('f')}._~$&+:=@-` })).status, 200);
      const long = await post({ name: unique('f').padEnd(256, 'x') });
      assert.deepEqual(
        [long.status, long.body],
        [400, { message: 'Fn name must be 255 characters or less' }],
      );
    });

    it('checks resource ranges', async () => {
      const cases: [object, string][] = [
        [{ memory: 8193 }, 'memory value is out of range. It should be between 0 and 8192'],
        [{ timeout: 301 }, 'timeout value is out of range, must be between 0 and 300'],
        [{ timeout: -1 }, 'timeout value is out of range, must be between 0 and 300'],
        [{ idle_timeout: 3601 }, 'idle_timeout value is out of range, must be between 0 and 3600'],
        [{ idle_timeout: -5 }, 'idle_timeout value is out of range, must be between 0 and 3600'],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        assert.deepEqual([res.status, res.body], [400, { message }], JSON.stringify(body));
      }
      const max = await post({ memory: 8192 });
      assert.equal(max.status, 200);
    });

    it('answers 404 App not found for an unknown or malformed app', async () => {
      for (const app_id of [MISSING_ID, 'not-an-id']) {
        const res = await post({ app_id });
        assert.deepEqual([res.status, res.body], [404, { message: 'App not found' }], app_id);
      }
    });

    it('answers 409 for a name in use in the same app only', async () => {
      const fn = await createFn(s.app, appId);
      const res = await post({ name: fn.name });
      assert.deepEqual([res.status, res.body], [409, { message: 'Fn with specified name already exists' }]);
      const other = await createApp(s.app);
      assert.equal((await post({ name: fn.name, app_id: other.id })).status, 200);
    });

    it('never stores the invoke endpoint annotation, even when given one', async () => {
      const fn = await createFn(s.app, appId, { annotations: { [INVOKE]: 'http://evil/', keep: 'me' } });
      assert.equal(fn.annotations[INVOKE], `http://localhost:80/invoke/${fn.id}`);
      const stored = await s.ds.getFnById(fn.id);
      assert.deepEqual(stored.annotations, { keep: 'me' });
    });
  });

  describe('GET one', () => {
    it('answers the fn with its invoke endpoint', async () => {
      const fn = await createFn(s.app, appId);
      const res = await send(s.app, 'GET', `/v2/fns/${fn.id}`, undefined, { host: 'h:1' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { ...fn, annotations: { [INVOKE]: `http://h:1/invoke/${fn.id}` } });
    });

    it('answers 404 Fn not found for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'x', encodeURIComponent('é'.repeat(30)), 'F'.repeat(300)]) {
        const res = await send(s.app, 'GET', `/v2/fns/${id}`);
        assert.deepEqual([res.status, res.body], [404, { message: 'Fn not found' }], id);
      }
    });
  });

  describe('PUT', () => {
    it('changes image and resources, merges config and annotations, and answers annotated', async () => {
      const fn = await createFn(s.app, appId, { config: { A: '1', B: '2' }, annotations: { a: 1, b: 2 } });
      const res = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, {
        image: 'img:2',
        memory: 512,
        timeout: 60,
        idle_timeout: 120,
        config: { A: '', C: '3' },
        annotations: { a: null, c: 3 },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        [res.body.image, res.body.memory, res.body.timeout, res.body.idle_timeout],
        ['img:2', 512, 60, 120],
      );
      assert.deepEqual(res.body.config, { B: '2', C: '3' });
      assert.deepEqual(res.body.annotations, { b: 2, c: 3, [INVOKE]: `http://localhost:80/invoke/${fn.id}` });
      assert.deepEqual((await s.ds.getFnById(fn.id)).annotations, { b: 2, c: 3 });
    });

    it('leaves zero values unchanged and keeps name and app_id', async () => {
      const fn = await createFn(s.app, appId, { memory: 256 });
      const other = await createApp(s.app);
      const res = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, {
        name: unique('renamed'),
        app_id: other.id,
        memory: 0,
        timeout: 0,
        image: '',
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        [res.body.name, res.body.app_id, res.body.memory, res.body.timeout, res.body.image],
        [fn.name, appId, 256, 30, fn.image],
      );
    });

    it('accepts a GET answer sent back unchanged', async () => {
      const fn = await createFn(s.app, appId);
      const got = await send(s.app, 'GET', `/v2/fns/${fn.id}`);
      const res = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, got.body);
      assert.equal(res.status, 200);
      assert.equal(res.body.updated_at, fn.updated_at);
      assert.equal((await s.ds.getFnById(fn.id)).annotations, undefined);
    });

    it('rejects a body id that differs from the path, changing nothing', async () => {
      const fn = await createFn(s.app, appId);
      const res = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, { id: MISSING_ID, image: 'changed' });
      assert.deepEqual(
        [res.status, res.body],
        [400, { message: 'Fn ID in path does not match that in body' }],
      );
      assert.equal((await s.ds.getFnById(fn.id)).image, fn.image);
    });

    it('validates the merged fn', async () => {
      const fn = await createFn(s.app, appId);
      const res = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, { timeout: 301 });
      assert.deepEqual(
        [res.status, res.body],
        [400, { message: 'timeout value is out of range, must be between 0 and 300' }],
      );
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'x'.repeat(300)]) {
        const res = await send(s.app, 'PUT', `/v2/fns/${id}`, { image: 'i' });
        assert.deepEqual([res.status, res.body], [404, { message: 'Fn not found' }]);
      }
    });
  });

  describe('DELETE', () => {
    it('answers 204, removing the fn and its triggers', async () => {
      const fn = await createFn(s.app, appId);
      const trigger = await createTrigger(s.app, appId, fn.id);
      const res = await send(s.app, 'DELETE', `/v2/fns/${fn.id}`);
      assert.deepEqual([res.status, res.raw], [204, '']);
      assert.equal((await send(s.app, 'GET', `/v2/fns/${fn.id}`)).status, 404);
      assert.equal((await send(s.app, 'GET', `/v2/triggers/${trigger.id}`)).status, 404);
    });

    it('answers 404 Fn not found for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'bad']) {
        const res = await send(s.app, 'DELETE', `/v2/fns/${id}`);
        assert.deepEqual([res.status, res.body], [404, { message: 'Fn not found' }]);
      }
    });
  });

  describe('GET list', () => {
    it('requires app_id', async () => {
      for (const url of ['/v2/fns', '/v2/fns?app_id=', '/v2/fns?name=x']) {
        const res = await send(s.app, 'GET', url);
        assert.deepEqual([res.status, res.body], [400, { message: 'Missing AppID on Fn' }], url);
      }
    });

    it("lists one app's fns sorted by name, each annotated", async () => {
      const app = await createApp(s.app);
      const b = await createFn(s.app, app.id, { name: 'b' });
      const a = await createFn(s.app, app.id, { name: 'a' });
      await createFn(s.app, appId, { name: 'a' });
      const res = await send(s.app, 'GET', `/v2/fns?app_id=${app.id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { items: [a, b] });
    });

    it('filters by exact name', async () => {
      const fn = await createFn(s.app, appId);
      await createFn(s.app, appId, { name: `${fn.name}x` });
      const res = await send(s.app, 'GET', `/v2/fns?app_id=${appId}&name=${fn.name}`);
      assert.deepEqual(res.body, { items: [fn] });
    });

    it('answers an empty list for an unknown or malformed app', async () => {
      for (const id of [MISSING_ID, 'x'.repeat(300), encodeURIComponent('ü')]) {
        const res = await send(s.app, 'GET', `/v2/fns?app_id=${id}`);
        assert.deepEqual([res.status, res.body], [200, { items: [] }]);
      }
    });
  });

  it('use FN_PUBLIC_LB_URL as the endpoint base when configured', async () => {
    const lb = await startTestServer({ publicUrl: 'https://fn.example.com/base/' });
    try {
      const app = await createApp(lb.app);
      const fn = await createFn(lb.app, app.id);
      assert.equal(fn.annotations[INVOKE], `https://fn.example.com/base/invoke/${fn.id}`);
      const listed = await send(lb.app, 'GET', `/v2/fns?app_id=${app.id}`);
      assert.equal(listed.body.items[0].annotations[INVOKE], `https://fn.example.com/base/invoke/${fn.id}`);
    } finally {
      await lb.close();
    }
  });
});
