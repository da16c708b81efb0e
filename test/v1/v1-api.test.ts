import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { newId } from '../../src/models/index.js';
import { send, type TestServer, unique } from '../server/helpers.js';
import { startV1Server } from './api-helpers.js';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('v1 API', () => {
  let s: TestServer;
  before(async () => {
    s = await startV1Server();
  });
  after(() => s.close());

  const v1Error = (
    res: { status: number; body: unknown; headers: Record<string, unknown> },
    status: number,
    message: string,
  ) => {
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.deepEqual(res.body, { error: { message } });
    assert.match(String(res.headers['content-type']), /^application\/json; charset=utf-8$/);
  };

  const newApp = async (extra: object = {}) => {
    const name = unique('app');
    const res = await send(s.app, 'POST', '/v1/apps', { app: { name, ...extra } });
    assert.equal(res.status, 200, res.raw);
    return name;
  };

  const newRoute = async (app: string, route: object = {}) => {
    const path = `/${unique('r')}`;
    const res = await send(s.app, 'POST', `/v1/apps/${app}/routes`, {
      route: { path, image: 'fnode-test/hello', ...route },
    });
    assert.equal(res.status, 200, res.raw);
    return path;
  };

  describe('/v1/apps', () => {
    it('POST creates an app inside the v1 wrappers', async () => {
      const name = unique('app');
      const res = await send(s.app, 'POST', '/v1/apps', { app: { name, config: { A: 'b' } } });
      assert.equal(res.status, 200);
      assert.equal(res.body.message, 'App successfully created');
      assert.equal(res.body.app.name, name);
      assert.deepEqual(res.body.app.config, { A: 'b' });
      assert.match(res.body.app.created_at, TIME);
    });

    it('POST without the app wrapper is 400 Missing new application', async () => {
      v1Error(await send(s.app, 'POST', '/v1/apps', {}), 400, 'Missing new application');
      v1Error(await send(s.app, 'POST', '/v1/apps', { app: null }), 400, 'Missing new application');
    });

    it('POST rejects bad JSON, a missing or invalid name and a duplicate, in the v1 error shape', async () => {
      v1Error(await send(s.app, 'POST', '/v1/apps', '{nope'), 400, 'Invalid JSON');
      v1Error(await send(s.app, 'POST', '/v1/apps', { app: { name: 5 } }), 400, 'Invalid JSON');
      v1Error(await send(s.app, 'POST', '/v1/apps', { app: {} }), 400, 'Missing Name');
      v1Error(await send(s.app, 'POST', '/v1/apps', { app: { name: 'a b' } }), 400, 'Invalid app name');
      v1Error(
        await send(s.app, 'POST', '/v1/apps', { app: { name: 'x'.repeat(300) } }),
        400,
        'App name must be 255 characters or less',
      );
      const name = await newApp();
      v1Error(await send(s.app, 'POST', '/v1/apps', { app: { name } }), 409, 'App already exists');
    });

    it('refuses a bare-word syslog url with the url alone, on create and update', async () => {
      const message = 'invalid syslog url: "yo"';
      v1Error(
        await send(s.app, 'POST', '/v1/apps', { app: { name: unique('app'), syslog_url: 'yo' } }),
        400,
        message,
      );
      const name = await newApp();
      v1Error(await send(s.app, 'PATCH', `/v1/apps/${name}`, { app: { syslog_url: 'yo' } }), 400, message);
      v1Error(
        await send(s.app, 'POST', '/v1/apps', { app: { name: 'a b', syslog_url: 'yo' } }),
        400,
        'Invalid app name',
      );
    });

    it('POST with an app id is 400 App ID cannot be supplied on create', async () => {
      const name = unique('app');
      const res = await send(s.app, 'POST', '/v1/apps', { app: { id: newId(), name } });
      v1Error(res, 400, 'App ID cannot be supplied on create');
      v1Error(await send(s.app, 'GET', `/v1/apps/${name}`), 404, 'App not found');
    });

    it('GET one and the list, with next_cursor paging by name', async () => {
      const name = await newApp();
      const one = await send(s.app, 'GET', `/v1/apps/${name}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.message, 'Successfully loaded app');
      assert.equal(one.body.app.name, name);
      await newApp();
      const page = await send(s.app, 'GET', '/v1/apps?per_page=1');
      assert.equal(page.status, 200);
      assert.equal(page.body.message, 'Successfully listed applications');
      assert.equal(page.body.apps.length, 1);
      assert.ok(page.body.next_cursor);
      const next = await send(s.app, 'GET', `/v1/apps?per_page=1&cursor=${page.body.next_cursor}`);
      assert.equal(next.body.apps.length, 1);
      assert.ok(next.body.apps[0].name > page.body.apps[0].name);
      const all = await send(s.app, 'GET', '/v1/apps?per_page=100');
      assert.equal(all.body.next_cursor, '');
      v1Error(await send(s.app, 'GET', '/v1/apps/nope-missing'), 404, 'App not found');
    });

    it('PATCH merges config; a name in the body is 409, no wrapper is 400, unknown app 404', async () => {
      const name = await newApp({ config: { A: '1', B: '2' } });
      const res = await send(s.app, 'PATCH', `/v1/apps/${name}`, { app: { config: { A: '', C: '3' } } });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.message, 'AppName successfully updated');
      assert.deepEqual(res.body.app.config, { B: '2', C: '3' });
      v1Error(
        await send(s.app, 'PATCH', `/v1/apps/${name}`, { app: { name: 'other' } }),
        409,
        'Could not update - name is immutable',
      );
      v1Error(await send(s.app, 'PATCH', `/v1/apps/${name}`, {}), 400, 'Missing new application');
      v1Error(await send(s.app, 'PATCH', '/v1/apps/nope-missing', { app: {} }), 404, 'App not found');
    });

    it('DELETE answers App deleted and removes the routes; a second delete is 404', async () => {
      const name = await newApp();
      const path = await newRoute(name);
      const res = await send(s.app, 'DELETE', `/v1/apps/${name}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { message: 'App deleted' });
      v1Error(await send(s.app, 'GET', `/v1/apps/${name}/routes${path}`), 404, 'App not found');
      v1Error(await send(s.app, 'DELETE', `/v1/apps/${name}`), 404, 'App not found');
    });

    it('shares apps with v2 both ways', async () => {
      const v2name = unique('app');
      const v2 = await send(s.app, 'POST', '/v2/apps', { name: v2name });
      assert.equal(v2.status, 200);
      const seen = await send(s.app, 'GET', `/v1/apps/${v2name}`);
      assert.equal(seen.body.app.id, v2.body.id);
      const v1name = await newApp();
      const list = await send(s.app, 'GET', `/v2/apps?name=${v1name}`);
      assert.equal(list.body.items.length, 1);
    });

    it('unknown v1 paths answer 404 Path not found with the path alone, and methods 405, in the v1 shape', async () => {
      v1Error(await send(s.app, 'GET', '/v1/nothing'), 404, 'Path not found: /v1/nothing');
      v1Error(await send(s.app, 'POST', '/v1/nothing?x=1'), 404, 'Path not found: /v1/nothing');
      v1Error(await send(s.app, 'PUT', '/v1/apps'), 405, 'Method not allowed: PUT /v1/apps');
    });

    // Found by test/security/hostile-input.test.ts: both were 500s on PostgreSQL.
    it('a body or a route path holding U+0000 is refused, on every datastore', async () => {
      const app = await newApp();
      v1Error(
        await send(s.app, 'POST', `/v1/apps/${app}/routes`, { route: { path: '/x', image: 'a\u0000b' } }),
        400,
        'Invalid JSON',
      );
      v1Error(
        await send(s.app, 'PUT', `/v1/apps/${app}/routes/a%00b`, { route: { image: 'x' } }),
        400,
        'Path malformed',
      );
      v1Error(await send(s.app, 'GET', `/v1/apps/${app}/routes/a%00b`), 404, 'Route not found');
    });

    // Found by test/security/hostile-input.test.ts: Fastify's own URL errors had the v2 shape.
    it('URLs that cannot be routed (a broken escape, a parameter over 4096 characters) answer in the v1 shape', async () => {
      v1Error(await send(s.app, 'GET', '/v1/apps/%ZZ'), 400, "'/v1/apps/%ZZ' is not a valid url component");
      const long = await send(s.app, 'GET', `/v1/apps/${'x'.repeat(5000)}`);
      assert.equal(long.status, 414);
      assert.deepEqual(Object.keys(long.body), ['error']);
      assert.deepEqual(Object.keys(long.body.error), ['message']);
      assert.deepEqual((await send(s.app, 'GET', '/v2/apps/%ZZ')).body, {
        message: "'/v2/apps/%ZZ' is not a valid url component",
      });
    });
  });

  describe('/v1/apps/{app}/routes', () => {
    it('POST creates the route with defaults and auto-creates the app', async () => {
      const app = unique('app');
      const res = await send(s.app, 'POST', `/v1/apps/${app}/routes`, {
        route: {
          path: '/hello',
          image: 'fnode-test/hello',
          headers: { 'X-Api': ['v1'] },
          config: { K: 'v' },
          cpus: '100m',
          annotations: { 'a/b': 1 },
        },
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.message, 'Route successfully created');
      const r = res.body.route;
      assert.equal(r.path, '/hello');
      assert.equal(r.image, 'fnode-test/hello');
      assert.equal(r.memory, 128);
      assert.equal(r.type, 'sync');
      assert.equal(r.format, 'default');
      assert.equal(r.timeout, 30);
      assert.equal(r.idle_timeout, 30);
      assert.equal(r.cpus, '100m');
      assert.deepEqual(r.headers, { 'X-Api': ['v1'] });
      assert.deepEqual(r.config, { K: 'v' });
      assert.deepEqual(r.annotations, { 'a/b': 1 });
      assert.equal((await send(s.app, 'GET', `/v1/apps/${app}`)).status, 200);
      v1Error(
        await send(s.app, 'POST', `/v1/apps/${app}/routes`, { route: { path: '/hello', image: 'x' } }),
        409,
        'Route already exists',
      );
    });

    it('cleans route paths on create and update: // collapses and a trailing / is dropped', async () => {
      const app = await newApp();
      const base = `/v1/apps/${app}/routes`;
      const made = await send(s.app, 'POST', base, { route: { path: '/a/', image: 'x' } });
      assert.equal(made.body.route.path, '/a', made.raw);
      const deep = await send(s.app, 'POST', base, { route: { path: '//c//d/', image: 'x' } });
      assert.equal(deep.body.route.path, '/c/d', deep.raw);
      const put = await send(s.app, 'PUT', `${base}/b//`, { route: { path: '/b/', image: 'x' } });
      assert.equal(put.body.route.path, '/b', put.raw);
      const patched = await send(s.app, 'PATCH', `${base}/a/`, { route: { path: '/a//', memory: 64 } });
      assert.equal(patched.status, 200, patched.raw);
      assert.equal(patched.body.route.path, '/a');
      assert.equal((await send(s.app, 'GET', `${base}/a`)).body.route.memory, 64);
      v1Error(
        await send(s.app, 'POST', base, { route: { path: '/a', image: 'x' } }),
        409,
        'Route already exists',
      );
      const listed = (await send(s.app, 'GET', base)).body.routes as { path: string }[];
      assert.deepEqual(listed.map((r) => r.path).sort(), ['/a', '/b', '/c/d']);
    });

    it('answers cpus in milli-CPUs, on create, update, get and list', async () => {
      const app = await newApp();
      const half = await newRoute(app, { cpus: '0.5' });
      const base = `/v1/apps/${app}/routes`;
      assert.equal((await send(s.app, 'GET', `${base}${half}`)).body.route.cpus, '500m');
      const two = await send(s.app, 'PATCH', `${base}${half}`, { route: { cpus: '2' } });
      assert.equal(two.body.route.cpus, '2000m');
      const put = await send(s.app, 'PUT', `${base}/put-cpus`, { route: { image: 'x', cpus: '1.5' } });
      assert.equal(put.body.route.cpus, '1500m');
      const milli = await newRoute(app, { cpus: '250m' });
      const listed = (await send(s.app, 'GET', base)).body.routes as { path: string; cpus: string }[];
      const cpusOf = Object.fromEntries(listed.map((r) => [r.path, r.cpus]));
      assert.deepEqual(cpusOf, { [half]: '2000m', '/put-cpus': '1500m', [milli]: '250m' });
    });

    it("answers exactly Fn's route fields: empty cpus and zero tmpfs_size when unset, no empty maps", async () => {
      const app = await newApp();
      const path = await newRoute(app, { config: {}, headers: {}, annotations: {} });
      for (const res of [
        await send(s.app, 'GET', `/v1/apps/${app}/routes${path}`),
        await send(s.app, 'PATCH', `/v1/apps/${app}/routes${path}`, { route: { memory: 64 } }),
      ]) {
        const r = res.body.route;
        assert.deepEqual(Object.keys(r), [
          'app_id',
          'path',
          'image',
          'memory',
          'cpus',
          'type',
          'format',
          'timeout',
          'idle_timeout',
          'tmpfs_size',
          'created_at',
          'updated_at',
        ]);
        assert.equal(r.cpus, '');
        assert.equal(r.tmpfs_size, 0);
      }
    });

    it('POST validation errors, and no app is left behind by an invalid route', async () => {
      const app = unique('app');
      const url = `/v1/apps/${app}/routes`;
      const cases: [object, string][] = [
        [{ image: 'x' }, 'Missing route Path'],
        [{ path: 'nope', image: 'x' }, 'Invalid route path format'],
        [{ path: '/a/:b', image: 'x' }, 'Dynamic URL is not allowed'],
        [{ path: '/a%zz', image: 'x' }, 'Path malformed'],
        [{ path: '/a' }, 'Missing route Image'],
        [{ path: '/a', image: 'x', type: 'later' }, 'Invalid route Type'],
        [{ path: '/a', image: 'x', format: 'xml' }, 'Invalid route Format'],
        [
          { path: '/a', image: 'x', timeout: 121 },
          'timeout value is out of range. Sync should be between 0 and 120, async should be between 0 and 3600',
        ],
        [
          { path: '/a', image: 'x', type: 'async', timeout: 3601 },
          'timeout value is out of range. Sync should be between 0 and 120, async should be between 0 and 3600',
        ],
        [
          { path: '/a', image: 'x', idle_timeout: 3601 },
          'idle_timeout value is out of range. It should be between 0 and 3600',
        ],
        [
          { path: '/a', image: 'x', memory: 8193 },
          'memory value is out of range. It should be between 0 and 8192',
        ],
        [
          { path: '/a', image: 'x', annotations: { 'bad key': 1 } },
          'Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace',
        ],
        [{ path: '/a', image: 'x', memory: '5' }, 'Invalid JSON'],
        [{ path: '/a', image: 'x', headers: { A: 'not-a-list' } }, 'Invalid JSON'],
      ];
      for (const [route, message] of cases) {
        const res = await send(s.app, 'POST', url, { route });
        v1Error(res, 400, message);
      }
      const cpus = await send(s.app, 'POST', url, { route: { path: '/a', image: 'x', cpus: 'lots' } });
      assert.equal(cpus.status, 400);
      assert.match(cpus.body.error.message, /^Cpus is invalid/);
      v1Error(await send(s.app, 'POST', url, {}), 400, 'Missing new route');
      v1Error(await send(s.app, 'GET', `/v1/apps/${app}`), 404, 'App not found');
      // async allows the longer timeout
      assert.equal(
        (await send(s.app, 'POST', url, { route: { path: '/a', image: 'x', type: 'async', timeout: 3600 } }))
          .status,
        200,
      );
    });

    it('GET one and the list, filtered by image and paged by path', async () => {
      const app = await newApp();
      await send(s.app, 'POST', `/v1/apps/${app}/routes`, { route: { path: '/a', image: 'img-1' } });
      await send(s.app, 'POST', `/v1/apps/${app}/routes`, { route: { path: '/b/c', image: 'img-2' } });
      await send(s.app, 'POST', `/v1/apps/${app}/routes`, { route: { path: '/d', image: 'img-1' } });
      const one = await send(s.app, 'GET', `/v1/apps/${app}/routes/b/c`);
      assert.equal(one.status, 200);
      assert.equal(one.body.message, 'Successfully loaded route');
      assert.equal(one.body.route.path, '/b/c');
      const page = await send(s.app, 'GET', `/v1/apps/${app}/routes?per_page=2`);
      assert.equal(page.body.message, 'Successfully listed routes');
      assert.deepEqual(
        page.body.routes.map((r: { path: string }) => r.path),
        ['/a', '/b/c'],
      );
      assert.equal(Buffer.from(page.body.next_cursor, 'base64url').toString(), '/b/c');
      const rest = await send(
        s.app,
        'GET',
        `/v1/apps/${app}/routes?per_page=2&cursor=${page.body.next_cursor}`,
      );
      assert.deepEqual(
        rest.body.routes.map((r: { path: string }) => r.path),
        ['/d'],
      );
      const byImage = await send(s.app, 'GET', `/v1/apps/${app}/routes?image=img-1`);
      assert.deepEqual(
        byImage.body.routes.map((r: { path: string }) => r.path),
        ['/a', '/d'],
      );
      v1Error(await send(s.app, 'GET', `/v1/apps/${app}/routes/nope`), 404, 'Route not found');
      v1Error(await send(s.app, 'GET', '/v1/apps/nope-missing/routes'), 404, 'App not found');
    });

    it('PUT upserts: creates (with its app), then updates', async () => {
      const app = unique('app');
      const created = await send(s.app, 'PUT', `/v1/apps/${app}/routes/up`, {
        route: { image: 'img-1', config: { A: '1' } },
      });
      assert.equal(created.status, 200, created.raw);
      assert.equal(created.body.message, 'Route successfully created');
      assert.equal(created.body.route.path, '/up');
      const updated = await send(s.app, 'PUT', `/v1/apps/${app}/routes/up`, {
        route: { image: 'img-2', config: { B: '2' } },
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.message, 'Route successfully updated');
      assert.equal(updated.body.route.image, 'img-2');
      assert.deepEqual(updated.body.route.config, { A: '1', B: '2' });
      v1Error(
        await send(s.app, 'PUT', `/v1/apps/${app}/routes/up`, { route: { path: '/other' } }),
        409,
        'Could not update - path is immutable',
      );
      v1Error(
        await send(s.app, 'PUT', `/v1/apps/${app}/routes/new`, { route: {} }),
        400,
        'Missing route Image',
      );
      v1Error(await send(s.app, 'PUT', `/v1/apps/${app}/routes/new`, {}), 400, 'Missing new route');
    });

    it('PATCH updates fields and merges headers; path immutable; missing route 404', async () => {
      const app = await newApp();
      const path = await newRoute(app, { headers: { A: ['1'], B: ['2'] } });
      const res = await send(s.app, 'PATCH', `/v1/apps/${app}/routes${path}`, {
        route: { memory: 256, timeout: 60, format: 'json', headers: { A: [], C: ['3'] } },
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.message, 'Route successfully updated');
      assert.equal(res.body.route.memory, 256);
      assert.equal(res.body.route.timeout, 60);
      assert.equal(res.body.route.format, 'json');
      assert.deepEqual(res.body.route.headers, { B: ['2'], C: ['3'] });
      v1Error(
        await send(s.app, 'PATCH', `/v1/apps/${app}/routes${path}`, { route: { path: '/x' } }),
        409,
        'Could not update - path is immutable',
      );
      v1Error(
        await send(s.app, 'PATCH', `/v1/apps/${app}/routes${path}`, { route: { type: 'nope' } }),
        400,
        'Invalid route Type',
      );
      v1Error(
        await send(s.app, 'PATCH', `/v1/apps/${app}/routes/missing`, { route: {} }),
        404,
        'Route not found',
      );
      v1Error(
        await send(s.app, 'PATCH', '/v1/apps/nope-missing/routes/x', { route: {} }),
        404,
        'App not found',
      );
    });

    it('DELETE answers Route deleted; then 404', async () => {
      const app = await newApp();
      const path = await newRoute(app);
      const res = await send(s.app, 'DELETE', `/v1/apps/${app}/routes${path}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { message: 'Route deleted' });
      v1Error(await send(s.app, 'DELETE', `/v1/apps/${app}/routes${path}`), 404, 'Route not found');
    });
  });

  describe('/v1/apps/{app}/calls', () => {
    it("lists an app's calls newest first, filtered by path, paged by raw id; gets a call and its log", async () => {
      const name = await newApp();
      const app = await s.ds.getAppByName(name);
      const mk = (path: string, at: number) => ({
        id: newId(),
        status: 'success' as const,
        app_id: app.id,
        app_name: name,
        fn_id: '',
        trigger_id: '',
        path,
        created_at: new Date(at).toISOString(),
      });
      const now = Date.now();
      const calls = [mk('/a', now - 3000), mk('/b', now - 2000), mk('/a', now - 1000)];
      await s.ds.insertCalls(calls);
      await s.ds.insertLogs([{ callId: calls[0]!.id, log: 'line 1\nline 2\n' }]);
      const list = await send(s.app, 'GET', `/v1/apps/${name}/calls`);
      assert.equal(list.status, 200);
      assert.equal(list.body.message, 'Successfully listed calls');
      assert.deepEqual(
        list.body.calls.map((c: { id: string }) => c.id),
        [calls[2]!.id, calls[1]!.id, calls[0]!.id],
      );
      const byPath = await send(s.app, 'GET', `/v1/apps/${name}/calls?path=/a&per_page=1`);
      assert.deepEqual(
        byPath.body.calls.map((c: { id: string }) => c.id),
        [calls[2]!.id],
      );
      assert.equal(byPath.body.next_cursor, calls[2]!.id);
      const next = await send(
        s.app,
        'GET',
        `/v1/apps/${name}/calls?path=/a&per_page=1&cursor=${calls[2]!.id}`,
      );
      assert.deepEqual(
        next.body.calls.map((c: { id: string }) => c.id),
        [calls[0]!.id],
      );
      v1Error(
        await send(s.app, 'GET', `/v1/apps/${name}/calls?from_time=yesterday`),
        400,
        'from_time is not an epoch time',
      );
      v1Error(
        await send(s.app, 'GET', `/v1/apps/${name}/calls?to_time=-1`),
        400,
        'to_time is not an epoch time',
      );
      v1Error(await send(s.app, 'GET', '/v1/apps/nope-missing/calls'), 404, 'App not found');

      const one = await send(s.app, 'GET', `/v1/apps/${name}/calls/${calls[0]!.id}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.message, 'Successfully loaded call');
      assert.equal(one.body.call.id, calls[0]!.id);
      assert.equal(one.body.call.path, '/a');
      v1Error(await send(s.app, 'GET', `/v1/apps/${name}/calls/${newId()}`), 404, 'Call not found');
      v1Error(await send(s.app, 'GET', `/v1/apps/${name}/calls/junk`), 404, 'Call not found');

      const log = await send(s.app, 'GET', `/v1/apps/${name}/calls/${calls[0]!.id}/log`);
      assert.equal(log.status, 200);
      assert.deepEqual(log.body, {
        message: 'Successfully loaded log',
        log: { call_id: calls[0]!.id, log: 'line 1\nline 2\n' },
      });
      const text = await send(s.app, 'GET', `/v1/apps/${name}/calls/${calls[0]!.id}/log`, undefined, {
        accept: 'text/plain',
      });
      assert.equal(text.raw, 'line 1\nline 2\n');
      assert.match(String(text.headers['content-type']), /^text\/plain/);
      const empty = await send(s.app, 'GET', `/v1/apps/${name}/calls/${calls[1]!.id}/log`);
      assert.equal(empty.body.log.log, '');
      v1Error(
        await send(s.app, 'GET', `/v1/apps/${name}/calls/${calls[0]!.id}/log`, undefined, {
          accept: 'image/png',
        }),
        406,
        'unable to respond within acceptable response content types',
      );
      v1Error(await send(s.app, 'GET', `/v1/apps/${name}/calls/${newId()}/log`), 404, 'Call log not found');

      // A call of another app is not found under this one.
      const other = await newApp();
      v1Error(await send(s.app, 'GET', `/v1/apps/${other}/calls/${calls[0]!.id}`), 404, 'Call not found');
    });
  });

  describe('schemas and the OpenAPI document', () => {
    it('answers a wrong JSON type with Invalid JSON and ignores unknown fields, on every body', async () => {
      const app = await newApp();
      const path = await newRoute(app);
      const bad: [InjectOptions['method'], string, unknown][] = [
        ['POST', '/v1/apps', { app: { config: { A: 1 } } }],
        ['POST', '/v1/apps', { app: 'x' }],
        ['POST', '/v1/apps', [1]],
        ['PATCH', `/v1/apps/${app}`, { app: { annotations: [] } }],
        ['PATCH', `/v1/apps/${app}`, { app: { syslog_url: false } }],
        ['POST', `/v1/apps/${app}/routes`, { route: { path: '/z', image: 'x', tmpfs_size: -1 } }],
        ['PUT', `/v1/apps/${app}/routes/z`, { route: { image: 'x', timeout: 1.5 } }],
        ['PATCH', `/v1/apps/${app}${path.replace('/', '/routes/')}`, { route: { cpus: 100 } }],
        ['PATCH', `/v1/apps/${app}${path.replace('/', '/routes/')}`, 'null'],
      ];
      for (const [method, url, body] of bad) {
        v1Error(await send(s.app, method, url, body), 400, 'Invalid JSON');
      }
      const created = await send(s.app, 'POST', '/v1/apps', {
        extra: true,
        app: { name: unique('app'), unknown: { x: 1 }, config: { A: null } },
      });
      assert.equal(created.status, 200, created.raw);
      assert.deepEqual(Object.keys(created.body).sort(), ['app', 'message']);
      assert.equal(created.body.app.unknown, undefined);
      const route = await send(s.app, 'PATCH', `/v1/apps/${app}${path.replace('/', '/routes/')}`, {
        route: { memory: 256, whatever: 'ignored', headers: { 'X-A': null } },
      });
      assert.equal(route.status, 200, route.raw);
      assert.equal(route.body.route.memory, 256);
      assert.equal(route.body.route.whatever, undefined);
    });

    it('describes every /v1 path, with the wrapped body schema on POST, PUT and PATCH', async () => {
      const res = await send(s.app, 'GET', '/v2/openapi.json');
      assert.equal(res.status, 200);
      const doc = res.body;
      const v1Ops = Object.entries(doc.paths as Record<string, object>)
        .filter(([p]) => p.startsWith('/v1/'))
        .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
      assert.deepEqual(
        new Set(v1Ops),
        new Set([
          'GET /v1/apps',
          'POST /v1/apps',
          'GET /v1/apps/{app}',
          'PATCH /v1/apps/{app}',
          'DELETE /v1/apps/{app}',
          'GET /v1/apps/{app}/routes',
          'POST /v1/apps/{app}/routes',
          'GET /v1/apps/{app}/routes/{path}',
          'PUT /v1/apps/{app}/routes/{path}',
          'PATCH /v1/apps/{app}/routes/{path}',
          'DELETE /v1/apps/{app}/routes/{path}',
          'GET /v1/apps/{app}/calls',
          'GET /v1/apps/{app}/calls/{call_id}',
          'GET /v1/apps/{app}/calls/{call_id}/log',
        ]),
      );
      for (const op of v1Ops) {
        const [method, p] = op.split(' ') as [string, string];
        const operation = doc.paths[p][method.toLowerCase()];
        if (p.includes('{')) {
          const names = operation.parameters.filter((x: { in: string }) => x.in === 'path');
          assert.ok(names.length > 0, `${op} path parameters`);
        }
        assert.ok(operation.responses['200'], `${op} 200`);
        if (!['POST', 'PUT', 'PATCH'].includes(method)) {
          assert.equal(operation.requestBody, undefined, op);
          continue;
        }
        const body = operation.requestBody?.content?.['application/json']?.schema;
        assert.ok(body, `${op} has a body schema`);
        const wrapper = p.includes('/routes') ? 'route' : 'app';
        assert.deepEqual(Object.keys(body.properties), [wrapper], op);
        const inner = body.properties[wrapper];
        const fields = (inner.anyOf ?? [inner]).find((x: { type?: string }) => x.type === 'object');
        assert.ok(fields?.properties?.[wrapper === 'route' ? 'image' : 'name'], `${op} fields`);
      }
      const errorRef = doc.paths['/v1/apps'].post.responses['400'].content['application/json'].schema.$ref;
      assert.equal(errorRef, '#/components/schemas/V1Error');
      for (const name of ['V1Error', 'V1App', 'V1Route', 'Call'])
        assert.ok(doc.components.schemas[name], name);
      assert.deepEqual(Object.keys(doc.components.schemas.V1Error.properties), ['error']);
      const list = doc.paths['/v1/apps/{app}/calls'].get.parameters.map(
        (x: { in: string; name: string }) => `${x.in}:${x.name}`,
      );
      assert.ok(list.includes('query:from_time') && list.includes('path:app'), list.join());
    });
  });
});
