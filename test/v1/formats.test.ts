import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { request } from 'undici';
import {
  containersOf,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { callIdOf, createRoute, v1Call, v1Log } from './v1-helpers.js';

const docker = dockerAvailable();
const IMAGE = 'fnode-test/legacy';

interface Report {
  format: string;
  body: string;
  calls: number;
  hostname: string;
  env: Record<string, string>;
  call_id?: string;
  method?: string;
  target?: string;
  headers?: Record<string, string>;
  protocol?: { method: string; request_url: string; headers: Record<string, string[]> };
  event?: {
    eventID: string;
    eventType: string;
    data?: unknown;
    contentType: string;
    extensions: Record<string, unknown>;
  };
}

describe('legacy formats on real containers', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let base: string;
  /** A server with exact call logs (FNODE_EXACT_CALL_LOGS=true), for back-to-back calls. */
  let exact: TestFnode;
  before(async () => {
    fnode = await startTestFnode();
    base = fnode.url;
    exact = await startTestFnode({ FNODE_EXACT_CALL_LOGS: 'true' });
  });
  after(async () => {
    await fnode?.stop();
    await exact?.stop();
  });

  const call = (app: string, path: string, body: string, headers: Record<string, string> = {}) =>
    http(base, 'POST', `/r/${app}${path}?q=1`, body, { 'X-Test': 'yes', ...headers });

  describe('default (cold, stdin/stdout)', () => {
    it('passes the body on stdin and Fn v1 env, answers stdout; one container per call, removed after', async () => {
      const { app, path } = await createRoute(base, {
        image: IMAGE,
        format: 'default',
        config: { FOO: 'bar' },
      });
      const res = await call(app, path, 'hello default', { 'Content-Type': 'text/plain' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      const r = res.json<Report>();
      assert.equal(r.body, 'hello default');
      assert.equal(r.env['FN_FORMAT'], 'default');
      assert.equal(r.env['FN_PATH'], path);
      assert.equal(r.env['FN_APP_NAME'], app);
      assert.equal(r.env['FN_TYPE'], 'sync');
      assert.equal(r.env['FN_METHOD'], 'POST');
      assert.equal(r.env['FOO'], 'bar');
      // Fn's names: the header's canonical name as it is, Content-Type included.
      assert.equal(r.env['FN_HEADER_X-Test'], 'yes');
      assert.equal(r.env['FN_HEADER_Content-Type'], 'text/plain');
      assert.match(r.env['FN_REQUEST_URL'] ?? '', new RegExp(`/r/${app}${path}\\?q=1$`));
      assert.equal(r.env['FN_CALL_ID'], callIdOf(res.headers));
      const second = await call(app, path, 'again');
      assert.notEqual(second.json<Report>().hostname, r.hostname);
      assert.equal(second.json<Report>().calls, 1);
      const c = await v1Call(base, app, callIdOf(res.headers));
      assert.equal(c.status, 'success');
      assert.equal(c.format, 'default');
      assert.equal(await v1Log(base, app, callIdOf(res.headers)), 'default log hello default\n');
      await eventually(() => containersOf(fnode.tag).length === 0 || undefined);
    });

    it('sets FN_MEMORY, FN_TMPSIZE and FN_CPUS from the route (Fn v1 §4.1)', async () => {
      const { app, path } = await createRoute(base, {
        image: IMAGE,
        format: 'default',
        memory: 96,
        tmpfs_size: 16,
        cpus: '250m',
      });
      const res = await call(app, path, 'env');
      assert.equal(res.status, 200, res.text);
      const env = res.json<Report>().env;
      assert.equal(env['FN_MEMORY'], '96');
      assert.equal(env['FN_TMPSIZE'], '16');
      assert.equal(env['FN_CPUS'], '250m');
      assert.equal(env['FN_FORMAT'], 'default');
      assert.equal(env['FN_APP_NAME'], app);
      assert.equal(env['FN_PATH'], path);
      assert.equal(env['FN_TYPE'], 'sync');
      // Without tmpfs_size and cpus neither is set, as in Fn v1.
      const plain = await createRoute(base, { image: IMAGE, format: 'default' });
      const bare = (await call(plain.app, plain.path, 'env')).json<Report>().env;
      assert.equal(bare['FN_TMPSIZE'], undefined);
      assert.equal(bare['FN_CPUS'], undefined);
      assert.equal(bare['FN_MEMORY'], '128');
      await eventually(() => containersOf(fnode.tag).length === 0 || undefined);
    });

    it('times out with 504 and removes the container', async () => {
      // Every call of this format starts its container: the timeout leaves room for a slow start.
      const { app, path } = await createRoute(base, { image: IMAGE, format: 'default', timeout: 4 });
      const res = await call(app, path, 'sleep:10000');
      assert.equal(res.status, 504);
      assert.deepEqual(res.json(), { error: { message: 'Timed out' } });
      assert.match(String(res.headers['xxx-fxlb-wait']), /^[0-9.]+(s|ms)$/);
      const c = await v1Call(base, app, callIdOf(res.headers));
      assert.equal(c.status, 'error');
      assert.equal(c.reason, 'timeout');
      await eventually(() => containersOf(fnode.tag).length === 0 || undefined);
    });

    it('answers 502 when the function exits non-zero', async () => {
      const { app, path } = await createRoute(base, { image: IMAGE, format: 'default' });
      const res = await call(app, path, 'crash');
      assert.equal(res.status, 502);
      assert.deepEqual(res.json(), { error: { message: 'container exit code 3' } });
      const c = await v1Call(base, app, callIdOf(res.headers));
      assert.equal(c.reason, 'bad_exit');
      assert.equal(c.error, 'container exit code 3');
    });
  });

  for (const format of ['json', 'http', 'cloudevent'] as const) {
    describe(`${format} (hot)`, () => {
      it('answers through the framing and reuses one container', async () => {
        const { app, path } = await createRoute(base, { image: IMAGE, format });
        const hosts = new Set<string>();
        let last: Report | undefined;
        for (let i = 1; i <= 3; i++) {
          const res = await call(app, path, `call ${i}`, { 'Content-Type': 'text/plain' });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.headers['x-format'], format);
          assert.match(String(res.headers['content-type']), /^application\/json/);
          last = res.json<Report>();
          assert.equal(last.body, `call ${i}`);
          assert.equal(last.calls, i);
          hosts.add(last.hostname);
          if (format === 'json') {
            assert.equal(last.call_id, callIdOf(res.headers));
            assert.equal(last.protocol?.method, 'POST');
            assert.deepEqual(last.protocol?.headers['X-Test'], ['yes']);
            assert.deepEqual(last.protocol?.headers['Content-Type'], ['text/plain']);
          }
          if (format === 'http') {
            assert.equal(last.method, 'POST');
            assert.equal(last.target, `/r/${app}${path}?q=1`);
            assert.equal(last.headers?.['fn_call_id'], callIdOf(res.headers));
            assert.equal(last.headers?.['x-test'], 'yes');
            assert.equal(last.headers?.['content-type'], 'text/plain');
          }
          if (format === 'cloudevent') {
            assert.equal(last.event?.eventID, callIdOf(res.headers));
            assert.equal(last.event?.data, `call ${i}`);
            const protocol = last.event?.extensions['protocol'] as { headers: Record<string, string[]> };
            assert.deepEqual(protocol.headers['Content-Type'], ['text/plain']);
            assert.equal(last.event?.contentType, 'text/plain');
          }
          const c = await v1Call(base, app, callIdOf(res.headers));
          assert.equal(c.status, 'success');
          assert.equal(await v1Log(base, app, c.id), `${format} log call ${i}\n`);
        }
        assert.equal(hosts.size, 1);
        assert.equal(last?.env['FN_FORMAT'], format);
      });

      it('with FNODE_EXACT_CALL_LOGS=true, gives each of back-to-back calls exactly its own stderr line', async () => {
        const { app, path } = await createRoute(exact.url, { image: IMAGE, format });
        const ids: string[] = [];
        for (let i = 0; i < 15; i++) {
          const res = await http(exact.url, 'POST', `/r/${app}${path}`, `b2b ${i}`);
          assert.equal(res.status, 200, res.text);
          ids.push(callIdOf(res.headers));
        }
        for (const [i, id] of ids.entries()) {
          await v1Call(exact.url, app, id);
          assert.equal(await v1Log(exact.url, app, id), `${format} log b2b ${i}\n`, `call ${i}`);
        }
      });

      it('times out with 504, then serves the next call from a new container', async () => {
        const { app, path } = await createRoute(base, { image: IMAGE, format, timeout: 1 });
        const first = await call(app, path, 'warm');
        const res = await call(app, path, 'sleep:3000');
        assert.equal(res.status, 504);
        assert.deepEqual(res.json(), { error: { message: 'Timed out' } });
        // The replacement's cold start counts against the 1 s timeout: a loaded machine can push
        // it past half of it, and then (seed 004, every format) the call is not run: retry.
        const again = await eventually(async () => {
          const r = await call(app, path, 'after');
          return r.status === 200 ? r : undefined;
        }, 15_000);
        assert.notEqual(again.json<Report>().hostname, first.json<Report>().hostname);
      });

      it('answers 502 on a crash and on a malformed answer, then recovers', async () => {
        const { app, path } = await createRoute(base, { image: IMAGE, format });
        const crash = await call(app, path, 'crash');
        assert.equal(crash.status, 502);
        assert.deepEqual(crash.json(), { error: { message: 'container exit code 3' } });
        const c = await v1Call(base, app, callIdOf(crash.headers));
        assert.equal(c.reason, 'bad_exit');
        assert.equal(c.error, 'container exit code 3');
        const garbage = await call(app, path, 'garbage');
        assert.equal(garbage.status, 502);
        assert.match(
          garbage.json<{ error: { message: string } }>().error.message,
          // Fn names the cloudevent format's JSON framing in its message.
          new RegExp(`^invalid ${format === 'cloudevent' ? 'json' : format} response from function err: `),
        );
        const ok = await call(app, path, 'fine');
        assert.equal(ok.status, 200);
      });

      it('runs async: 202 {call_id}, the call succeeds and its log is stored', async () => {
        const { app, path } = await createRoute(base, { image: IMAGE, format, type: 'async' });
        const res = await call(app, path, 'async body');
        assert.equal(res.status, 202, res.text);
        const { call_id } = res.json<{ call_id: string }>();
        const c = await v1Call(base, app, call_id, (x) => x.status === 'success' || x.status === 'error');
        assert.equal(c.status, 'success', JSON.stringify(c));
        assert.equal(c.format, format);
        assert.equal(await v1Log(base, app, call_id), `${format} log async body\n`);
      });
    });
  }

  it('json and http pass the function status through', async () => {
    for (const format of ['json', 'http']) {
      const { app, path } = await createRoute(base, { image: IMAGE, format });
      const res = await call(app, path, 'status:201');
      assert.equal(res.status, 201, `${format}: ${res.text}`);
    }
  });

  it('cloudevent: a CloudEvent request gets the whole answer event back', async () => {
    const { app, path } = await createRoute(base, { image: IMAGE, format: 'cloudevent' });
    const event = {
      cloudEventsVersion: '0.1',
      eventID: 'ev-1',
      source: 'test',
      eventType: 'thing.happened',
      contentType: 'application/json',
      data: { a: 1 },
    };
    const res = await call(app, path, JSON.stringify(event), {
      'content-type': 'application/cloudevents+json',
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['content-type'], 'application/json');
    const out = res.json<{ eventID: string; data: Report }>();
    assert.equal(out.eventID, 'ev-1-reply');
    assert.equal(out.data.body, '{"a":1}');
    assert.equal(out.data.event?.eventType, 'thing.happened');
    assert.ok(out.data.event?.extensions['protocol']);
    assert.ok(out.data.event?.extensions['deadline']);
  });

  it('cloudevent: a text/plain answer is its data as it is, with that Content-Type', async () => {
    const { app, path } = await createRoute(base, { image: IMAGE, format: 'cloudevent' });
    const res = await call(app, path, 'text:hello "you"', { 'content-type': 'text/plain' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.text, 'hello "you"');
  });

  it('http: a body sent without a length reaches the function chunked, as Fn sends it', async () => {
    const { app, path } = await createRoute(base, { image: IMAGE, format: 'http' });
    const res = await request(`${base}/r/${app}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: Readable.from([Buffer.from('chunked '), Buffer.from('body')]),
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, 200, text);
    const seen = JSON.parse(text) as Report;
    assert.equal(seen.body, 'chunked body');
    assert.equal(seen.headers?.['transfer-encoding'], 'chunked');
    assert.equal(seen.headers?.['content-length'], undefined);
    const sized = await call(app, path, 'sized body');
    const withLength = sized.json<Report>();
    assert.equal(withLength.headers?.['content-length'], String('sized body'.length));
    assert.equal(withLength.headers?.['transfer-encoding'], undefined);
  });

  it('default async: 202, then success with the log', async () => {
    const { app, path } = await createRoute(base, { image: IMAGE, format: 'default', type: 'async' });
    const res = await call(app, path, 'cold async');
    assert.equal(res.status, 202, res.text);
    const { call_id } = res.json<{ call_id: string }>();
    const c = await v1Call(base, app, call_id, (x) => x.status === 'success' || x.status === 'error');
    assert.equal(c.status, 'success', JSON.stringify(c));
    assert.equal(await v1Log(base, app, call_id), 'default log cold async\n');
  });
});
