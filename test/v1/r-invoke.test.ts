import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { goDuration } from '../../src/v1/index.js';
import { dockerAvailable, eventually, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { callIdOf, createRoute, v1Call, v1Log } from './v1-helpers.js';

const docker = dockerAvailable();

describe('XXX-FXLB-WAIT durations', () => {
  it("formats like Go's time.Duration.String()", () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [999n, '999ns'],
      [1_500n, '1.5µs'],
      [250_000_000n, '250ms'],
      [1_234_567_891n, '1.234567891s'],
      [2_000_000_000n, '2s'],
      [61_500_000_000n, '1m1.5s'],
      [3_723_000_000_000n, '1h2m3s'],
    ];
    for (const [ns, text] of cases) assert.equal(goDuration(ns), text, String(ns));
  });
});

describe('/r/{app}/{path} for http-stream routes', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let base: string;
  before(async () => {
    fnode = await startTestFnode();
    base = fnode.url;
  });
  after(async () => {
    await fnode?.stop();
  });

  it('answers the function response with the route headers and Fn_call_id, and records the call', async () => {
    const { app, path } = await createRoute(base, {
      image: 'fnode-test/hello',
      format: 'http-stream',
      headers: { 'X-Route': ['yes'] },
      config: { FOO: 'bar' },
      tmpfs_size: 8,
    });
    const res = await http(base, 'POST', `/r/${app}${path}`, { name: 'v1' });
    assert.equal(res.status, 200, res.text);
    const body = res.json<{
      message: string;
      config: Record<string, string>;
      env: Record<string, string | null>;
    }>();
    assert.equal(body.message, 'Hello v1');
    assert.equal(body.config['FOO'], 'bar');
    // Fn v1's route keys beside the http-stream contract.
    assert.equal(body.env['FN_PATH'], path);
    assert.equal(body.env['FN_TMPSIZE'], '8');
    assert.equal(body.env['FN_TYPE'], 'sync');
    assert.equal(body.env['FN_APP_NAME'], app);
    assert.equal(body.env['FN_FORMAT'], 'http-stream');
    assert.equal(res.headers['x-route'], 'yes');
    const id = callIdOf(res.headers);
    assert.match(id, /^[0-9A-Z]{26}$/);
    const call = await v1Call(base, app, id);
    assert.equal(call.status, 'success');
    assert.equal(call.path, path);
    assert.equal(call.format, 'http-stream');
    const list = await http(base, 'GET', `/v1/apps/${app}/calls?path=${path}`);
    assert.deepEqual(
      list.json<{ calls: { id: string }[] }>().calls.map((c) => c.id),
      [id],
    );
  });

  it('reaches a route created with a trailing slash at its cleaned path', async () => {
    const name = `slash-${randomUUID().slice(0, 8)}`;
    const { app } = await createRoute(base, {
      path: `/${name}/`,
      image: 'fnode-test/hello',
      format: 'http-stream',
    });
    const res = await http(base, 'POST', `/r/${app}/${name}`, { name: 'clean' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json<{ message: string }>().message, 'Hello clean');
    const listed = await http(base, 'GET', `/v1/apps/${app}/routes`);
    assert.deepEqual(
      listed.json<{ routes: { path: string }[] }>().routes.map((r) => r.path),
      [`/${name}`],
    );
  });

  it('reuses the hot container across calls', async () => {
    const { app, path } = await createRoute(base, { image: 'fnode-test/hello', format: 'http-stream' });
    const hosts = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await http(base, 'POST', `/r/${app}${path}`, { name: String(i) });
      assert.equal(res.status, 200);
      hosts.add(res.json<{ hostname: string }>().hostname);
    }
    assert.equal(hosts.size, 1);
  });

  it('times out with 504 in the v1 error shape', async () => {
    const { app, path } = await createRoute(base, {
      image: 'fnode-test/sleep',
      format: 'http-stream',
      timeout: 1,
    });
    // A hot container first: a cold start on a loaded machine can take the whole second.
    await eventually(
      async () => (await http(base, 'POST', `/r/${app}${path}`, '1')).status === 200 || undefined,
      30_000,
    );
    const res = await http(base, 'POST', `/r/${app}${path}`, '3000');
    assert.equal(res.status, 504);
    assert.deepEqual(res.json(), { error: { message: 'Timed out' } });
    // The time the call waited, as a Go duration: at least the 1 s timeout.
    const wait = String(res.headers['xxx-fxlb-wait']);
    assert.match(wait, /^\d+(\.\d+)?s$/);
    assert.ok(Number.parseFloat(wait) >= 1, wait);
    const call = await v1Call(base, app, callIdOf(res.headers));
    assert.equal(call.status, 'error');
    assert.equal(call.reason, 'timeout');
  });

  it('adds no XXX-FXLB-WAIT to a success or a 404', async () => {
    const { app, path } = await createRoute(base, { image: 'fnode-test/hello', format: 'http-stream' });
    const ok = await http(base, 'POST', `/r/${app}${path}`, { name: 'w' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['xxx-fxlb-wait'], undefined);
    const missing = await http(base, 'GET', `/r/${app}/nothing-here`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['xxx-fxlb-wait'], undefined);
  });

  it('answers 404 for an unknown app or route, in the v1 error shape', async () => {
    const missingApp = await http(base, 'GET', '/r/nope-missing/x');
    assert.equal(missingApp.status, 404);
    assert.deepEqual(missingApp.json(), { error: { message: 'App not found' } });
    const { app } = await createRoute(base, { image: 'fnode-test/hello', format: 'http-stream' });
    const missingRoute = await http(base, 'GET', `/r/${app}/nothing-here`);
    assert.equal(missingRoute.status, 404);
    assert.deepEqual(missingRoute.json(), { error: { message: 'Route not found' } });
  });

  it('runs an async route through the durable queue: 202 {call_id}, then the call and its log', async () => {
    const { app, path } = await createRoute(base, {
      image: 'fnode-test/logs',
      format: 'http-stream',
      type: 'async',
    });
    const res = await http(base, 'POST', `/r/${app}${path}`, 'hello async');
    assert.equal(res.status, 202, res.text);
    const { call_id } = res.json<{ call_id: string }>();
    assert.match(call_id, /^[0-9A-Z]{26}$/);
    assert.equal(callIdOf(res.headers), call_id);
    const call = await v1Call(base, app, call_id, (c) => c.status === 'success' || c.status === 'error');
    assert.equal(call.status, 'success', JSON.stringify(call));
    assert.equal(call.type, 'async');
    assert.equal(call.path, path);
    assert.ok((await v1Log(base, app, call_id)).length > 0);
  });
});

describe('a route container reserves its memory plus its tmpfs, as Fn', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  const MiB = 1024 * 1024;
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(128 * MiB) });
  });
  after(async () => {
    await fnode?.stop();
  });

  for (const format of ['http-stream', 'default'] as const) {
    it(`${format}: 96 MB + 16 MB of /tmp fit a 128 MiB budget; 128 MB + 16 MB do not`, async () => {
      const image = format === 'default' ? 'fnode-test/legacy' : 'fnode-test/hello';
      const fits = await createRoute(fnode.url, { image, format, memory: 96, tmpfs_size: 16 });
      const ok = await http(
        fnode.url,
        'POST',
        `/r/${fits.app}${fits.path}`,
        format === 'default' ? 'env' : '{}',
      );
      assert.equal(ok.status, 200, ok.text);
      const over = await createRoute(fnode.url, { image, format, memory: 128, tmpfs_size: 16 });
      const res = await http(fnode.url, 'POST', `/r/${over.app}${over.path}`, '{}');
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.json(), { error: { message: 'Requested CPU/Memory cannot be allocated' } });
    });
  }

  it('an idle container of either agent gives its memory to a call of the other', async () => {
    // A hot json-format container stays idle holding 96 MB of the 128 MiB budget ...
    const legacy = await createRoute(fnode.url, { image: 'fnode-test/legacy', format: 'json', memory: 96 });
    assert.equal((await http(fnode.url, 'POST', `/r/${legacy.app}${legacy.path}`, 'x')).status, 200);
    // ... and is evicted at once for an http-stream call (well before its 30 s idle timeout).
    const stream = await createRoute(fnode.url, {
      image: 'fnode-test/hello',
      format: 'http-stream',
      memory: 96,
    });
    const t = Date.now();
    assert.equal((await http(fnode.url, 'POST', `/r/${stream.app}${stream.path}`, '{}')).status, 200);
    // The reverse: the idle http-stream container makes way for the json call.
    assert.equal((await http(fnode.url, 'POST', `/r/${legacy.app}${legacy.path}`, 'y')).status, 200);
    assert.ok(Date.now() - t < 20_000, 'no call waited for an idle timeout');
  });
});

describe('/r/{app}/{path} with route headers that cannot be sent as they are', () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode();
  });
  after(async () => {
    await fnode?.stop();
  });

  // Found by test/security/hostile-input.test.ts: `{"headers":{"x y":["v"]}}` made every call of
  // the route a 500 in Fastify's shape (ERR_INVALID_HTTP_TOKEN), whatever the function answered.
  it('are written without the names and values Node cannot send, lines joined', async () => {
    const { app, path } = await createRoute(fnode.url, {
      // No such image: the call fails fast (502, or 503 without Docker) and the route's headers
      // still go out with the error.
      image: 'fnode-fuzz/missing:1',
      format: 'http-stream',
      headers: {
        'x y': ['v'],
        'X-Ctl': ['a\u0001b'],
        'X-Lines': ['a\r\nInjected: 1'],
        'X-Utf': ['🎉'],
        'X-Latin': ['é'],
        'Content-Length': ['5'],
        'X-Ok': ['fine'],
      },
    });
    const res = await http(fnode.url, 'GET', `/r/${app}${path}`);
    assert.ok(res.status === 502 || res.status === 503, `${res.status} ${res.text}`);
    assert.equal(typeof res.json<{ error: { message: string } }>().error.message, 'string');
    assert.equal(res.headers['x-ok'], 'fine');
    assert.equal(res.headers['x-lines'], 'a  Injected: 1');
    assert.equal(res.headers['injected'], undefined);
    assert.equal(res.headers['x-ctl'], undefined);
    assert.equal(res.headers['x-utf'], undefined);
    assert.equal(typeof res.headers['x-latin'], 'string');
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.text));
  });

  // Found by test/security/hostile-input.test.ts: these had the v2 shape.
  it("answers methods Fastify's `all` leaves out, unknown paths and broken URLs in the v1 shape", async () => {
    for (const [method, path, status, message] of [
      ['LINK', '/r/app/path', 405, 'Method not allowed: LINK /r/app/path'],
      ['PROPFIND', '/r/', 404, 'Path not found: /r/'],
      ['GET', '/r', 404, 'Path not found: /r'],
      ['GET', '/r/%ZZ', 400, "'/r/%ZZ' is not a valid url component"],
    ] as const) {
      const res = await http(fnode.url, method, path);
      assert.deepEqual([res.status, res.json()], [status, { error: { message } }], `${method} ${path}`);
    }
  });
});
