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

const ENDPOINT = 'fnproject.io/trigger/httpEndpoint';

describe('/v2/triggers', () => {
  let s: TestServer;
  let app: { id: string; name: string };
  let fnId: string;
  before(async () => {
    s = await startTestServer();
    app = await createApp(s.app);
    fnId = (await createFn(s.app, app.id)).id;
  });
  after(() => s.close());

  const post = (body: object) => {
    const name = unique('t');
    return send(s.app, 'POST', '/v2/triggers', {
      name,
      app_id: app.id,
      fn_id: fnId,
      type: 'http',
      source: `/${name}`,
      ...body,
    });
  };
  const expectError = async (body: object, status: number, message: string) => {
    const res = await post(body);
    assert.deepEqual([res.status, res.body], [status, { message }], JSON.stringify(body));
  };

  describe('POST', () => {
    it('creates a trigger annotated with its http endpoint', async () => {
      const name = unique('t');
      const body = {
        name,
        app_id: app.id,
        fn_id: fnId,
        type: 'http',
        source: `/a/${name}`,
        annotations: { k: 'v' },
      };
      const res = await send(s.app, 'POST', '/v2/triggers', body, { host: 'lb.example:9000' });
      assert.equal(res.status, 200);
      assert.match(res.body.id, /^[0-9A-Z]{26}$/);
      assert.deepEqual(
        [res.body.name, res.body.app_id, res.body.fn_id, res.body.type, res.body.source],
        [name, app.id, fnId, 'http', `/a/${name}`],
      );
      assert.deepEqual(res.body.annotations, {
        k: 'v',
        [ENDPOINT]: `http://lb.example:9000/t/${app.name}/a/${name}`,
      });
      assert.deepEqual((await s.ds.getTriggerById(res.body.id)).annotations, { k: 'v' });
    });

    it('maps the source / to the app root', async () => {
      const otherApp = await createApp(s.app);
      const fn = await createFn(s.app, otherApp.id);
      const t = await createTrigger(s.app, otherApp.id, fn.id, { source: '/' });
      assert.equal(t.annotations[ENDPOINT], `http://localhost:80/t/${otherApp.name}/`);
    });

    it('rejects supplied id, created_at and updated_at, in that order', async () => {
      const at = '2020-01-01T00:00:00.000Z';
      await expectError(
        { id: MISSING_ID, created_at: at },
        400,
        'ID cannot be provided for Trigger creation',
      );
      await expectError({ created_at: at, updated_at: at }, 400, 'Trigger Created At Provided for Create');
      await expectError({ updated_at: at }, 400, 'Trigger ID Provided for Create');
    });

    it("takes Go's zero time as no time", async () => {
      const res = await post({ created_at: '0001-01-01T00:00:00.000Z', updated_at: null });
      assert.equal(res.status, 200);
    });

    it('validates fields in Fn order', async () => {
      await expectError({ app_id: '', name: '' }, 400, 'Missing App ID on Trigger');
      await expectError({ name: '', fn_id: '' }, 400, 'Missing name on Trigger');
      await expectError(
        { name: unique('t').padEnd(256, 'x') },
        400,
        'Trigger name must be 255 characters or less',
      );
      await expectError({ name: 'bad name' }, 400, 'Invalid name for Trigger');
      await expectError({ fn_id: '', type: 'x' }, 400, 'Missing Fn ID on Trigger');
      await expectError({ type: 'grpc' }, 400, 'Trigger Type Not Supported');
      await expectError({ type: null }, 400, 'Trigger Type Not Supported');
      await expectError({ source: '' }, 400, 'Missing Trigger Source');
      await expectError({ source: 'nope' }, 400, "Missing Trigger Source Prefix '/'");
      await expectError(
        { annotations: { k: null } },
        400,
        'Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays',
      );
    });

    it('answers 404 for an unknown app or fn', async () => {
      await expectError({ app_id: MISSING_ID }, 404, 'App not found');
      await expectError({ fn_id: MISSING_ID }, 404, 'Fn not found');
    });

    it('rejects a fn of another app', async () => {
      const other = await createApp(s.app);
      const otherFn = await createFn(s.app, other.id);
      await expectError({ fn_id: otherFn.id }, 400, 'Invalid Fn ID - not owned by specified app');
    });

    it('answers 409 for a source in use on the app', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      await expectError(
        { source: t.source },
        409,
        'Trigger with the same type and source exists on this app',
      );
    });

    it('answers 409 for a name in use on the fn', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      await expectError({ name: t.name }, 409, 'Trigger already exists');
    });
  });

  describe('GET one', () => {
    it('answers the trigger with its endpoint', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const res = await send(s.app, 'GET', `/v2/triggers/${t.id}`);
      assert.deepEqual([res.status, res.body], [200, t]);
    });

    it('answers 404 Trigger not found for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'x.y', encodeURIComponent('ẞ'), 'T'.repeat(300)]) {
        const res = await send(s.app, 'GET', `/v2/triggers/${id}`);
        assert.deepEqual([res.status, res.body], [404, { message: 'Trigger not found' }], id);
      }
    });
  });

  describe('PUT', () => {
    it('changes name, source, fn and annotations, answering annotated', async () => {
      const t = await createTrigger(s.app, app.id, fnId, { annotations: { a: 1, b: 2 } });
      const fn2 = await createFn(s.app, app.id);
      const name = unique('renamed');
      const res = await send(s.app, 'PUT', `/v2/triggers/${t.id}`, {
        name,
        source: `/${name}`,
        fn_id: fn2.id,
        annotations: { a: '', c: 3 },
      });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.name, res.body.source, res.body.fn_id], [name, `/${name}`, fn2.id]);
      assert.deepEqual(res.body.annotations, {
        b: 2,
        c: 3,
        [ENDPOINT]: `http://localhost:80/t/${app.name}/${name}`,
      });
      assert.ok(res.body.updated_at > t.updated_at || res.body.updated_at === t.updated_at);
    });

    it('keeps type and app_id', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const other = await createApp(s.app);
      const res = await send(s.app, 'PUT', `/v2/triggers/${t.id}`, { type: 'grpc', app_id: other.id });
      assert.equal(res.status, 200);
      assert.deepEqual([res.body.type, res.body.app_id], ['http', app.id]);
    });

    it('accepts a GET answer sent back unchanged', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const res = await send(s.app, 'PUT', `/v2/triggers/${t.id}`, t);
      assert.deepEqual([res.status, res.body], [200, t]);
    });

    it('rejects a body id that differs from the path, changing nothing', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const res = await send(s.app, 'PUT', `/v2/triggers/${t.id}`, { id: MISSING_ID, name: unique('x') });
      assert.deepEqual([res.status, res.body], [400, { message: 'ID in path does not match ID in body' }]);
      assert.equal((await s.ds.getTriggerById(t.id)).name, t.name);
    });

    it('checks a new fn and source like a create', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const taken = await createTrigger(s.app, app.id, fnId);
      const other = await createApp(s.app);
      const otherFn = await createFn(s.app, other.id);
      const cases: [object, number, string][] = [
        [{ fn_id: MISSING_ID }, 404, 'Fn not found'],
        [{ fn_id: 'garbage' }, 404, 'Fn not found'],
        [{ fn_id: otherFn.id }, 400, 'Invalid Fn ID - not owned by specified app'],
        [{ source: taken.source }, 409, 'Trigger with the same type and source exists on this app'],
        [{ name: taken.name }, 409, 'Trigger already exists'],
        [{ name: 'bad name' }, 400, 'Invalid name for Trigger'],
      ];
      for (const [body, status, message] of cases) {
        const res = await send(s.app, 'PUT', `/v2/triggers/${t.id}`, body);
        assert.deepEqual([res.status, res.body], [status, { message }], JSON.stringify(body));
      }
    });

    it('validates the new values', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const res = await send(s.app, 'PUT', `/v2/triggers/${t.id}`, { source: 'no-slash' });
      assert.deepEqual([res.status, res.body], [400, { message: "Missing Trigger Source Prefix '/'" }]);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'x'.repeat(300)]) {
        const res = await send(s.app, 'PUT', `/v2/triggers/${id}`, { name: 'x' });
        assert.deepEqual([res.status, res.body], [404, { message: 'Trigger not found' }]);
      }
    });
  });

  describe('DELETE', () => {
    it('answers 204 and removes the trigger', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      const res = await send(s.app, 'DELETE', `/v2/triggers/${t.id}`);
      assert.deepEqual([res.status, res.raw], [204, '']);
      assert.equal((await send(s.app, 'GET', `/v2/triggers/${t.id}`)).status, 404);
    });

    it('answers 404 Trigger not found for unknown and malformed ids', async () => {
      for (const id of [MISSING_ID, 'bad']) {
        const res = await send(s.app, 'DELETE', `/v2/triggers/${id}`);
        assert.deepEqual([res.status, res.body], [404, { message: 'Trigger not found' }]);
      }
    });
  });

  describe('GET list', () => {
    it('requires app_id', async () => {
      for (const url of ['/v2/triggers', `/v2/triggers?fn_id=${fnId}`, '/v2/triggers?app_id=']) {
        const res = await send(s.app, 'GET', url);
        assert.deepEqual([res.status, res.body], [400, { message: 'Missing App ID on Trigger' }], url);
      }
    });

    it('lists by app, fn and name, sorted by name and annotated', async () => {
      const a = await createApp(s.app);
      const f1 = await createFn(s.app, a.id);
      const f2 = await createFn(s.app, a.id);
      const t2 = await createTrigger(s.app, a.id, f1.id, { name: 'b', source: '/b' });
      const t1 = await createTrigger(s.app, a.id, f2.id, { name: 'a', source: '/a' });
      const t3 = await createTrigger(s.app, a.id, f2.id, { name: 'c', source: '/c' });
      assert.deepEqual((await send(s.app, 'GET', `/v2/triggers?app_id=${a.id}`)).body, {
        items: [t1, t2, t3],
      });
      assert.deepEqual((await send(s.app, 'GET', `/v2/triggers?app_id=${a.id}&fn_id=${f2.id}`)).body, {
        items: [t1, t3],
      });
      assert.deepEqual((await send(s.app, 'GET', `/v2/triggers?app_id=${a.id}&name=b`)).body, {
        items: [t2],
      });
      assert.equal(t1.annotations[ENDPOINT], `http://localhost:80/t/${a.name}/a`);
    });

    it('answers an empty list for unknown or malformed ids', async () => {
      for (const q of [
        `app_id=${MISSING_ID}`,
        'app_id=x',
        `app_id=${app.id}&fn_id=x`,
        `app_id=${app.id}&fn_id=${MISSING_ID}`,
      ]) {
        const res = await send(s.app, 'GET', `/v2/triggers?${q}`);
        assert.deepEqual([res.status, res.body], [200, { items: [] }], q);
      }
    });
  });

  describe('GET by source (load balancer lookup)', () => {
    const url = (appId: string, type: string, source: string) =>
      `/v2/runner/apps/${appId}/triggerBySource/${type}/${source}`;

    it('finds the trigger by its exact source, written with its leading slash', async () => {
      const t = await createTrigger(s.app, app.id, fnId, { source: '/deep/path' });
      const res = await send(s.app, 'GET', url(app.id, 'http', '/deep/path'));
      assert.deepEqual([res.status, res.body], [200, t]);
    });

    it('finds the root source', async () => {
      const a = await createApp(s.app);
      const fn = await createFn(s.app, a.id);
      const t = await createTrigger(s.app, a.id, fn.id, { source: '/' });
      const res = await send(s.app, 'GET', url(a.id, 'http', '/'));
      assert.deepEqual([res.status, res.body.id], [200, t.id]);
    });

    it('answers 404 Trigger not found for no exact match, another type or a bad app id', async () => {
      const t = await createTrigger(s.app, app.id, fnId);
      for (const u of [
        url(app.id, 'http', t.source.slice(1)),
        url(app.id, 'http', `${t.source}/more`),
        url(app.id, 'grpc', t.source),
        url(MISSING_ID, 'http', t.source),
        url('x'.repeat(300), 'http', t.source),
      ]) {
        const res = await send(s.app, 'GET', u);
        assert.deepEqual([res.status, res.body], [404, { message: 'Trigger not found' }], u);
      }
    });
  });

  it('use FN_PUBLIC_LB_URL as the endpoint base when configured', async () => {
    const lb = await startTestServer({ publicUrl: 'http://lb.internal:8080' });
    try {
      const a = await createApp(lb.app);
      const fn = await createFn(lb.app, a.id);
      const t = await createTrigger(lb.app, a.id, fn.id, { source: '/x/y' });
      assert.equal(t.annotations[ENDPOINT], `http://lb.internal:8080/t/${a.name}/x/y`);
    } finally {
      await lb.close();
    }
  });
});
