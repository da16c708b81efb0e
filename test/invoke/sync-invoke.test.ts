import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import {
  containersOf,
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();

describe('sync invoke through /invoke/{fn_id} on real containers', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  let fnode: TestFnode;
  let base: string;

  before(async () => {
    fnode = await startTestFnode({ FN_MAX_RESPONSE_SIZE: String(4 * 1024 * 1024) });
    base = fnode.url;
  });
  after(async () => {
    await fnode?.stop();
  });

  it('answers with the function output, Fn-Call-Id and the FDK headers, and passes Fn env', async () => {
    const { fnId, appId } = await createFn(base, 'fnode-test/hello', { config: { FOO: 'bar' } });
    const res = await http(base, 'POST', `/invoke/${fnId}`, { name: 'fnode' });
    assert.equal(res.status, 200, res.text);
    const body = res.json<{ message: string; env: Record<string, string>; config: Record<string, string> }>();
    assert.equal(body.message, 'Hello fnode');
    assert.equal(body.env['FN_FN_ID'], fnId);
    assert.equal(body.env['FN_APP_ID'], appId);
    assert.equal(body.env['FN_FORMAT'], 'http-stream');
    assert.equal(body.env['FN_LISTENER'], 'unix:/tmp/iofs/lsnr.sock');
    assert.equal(body.env['FN_MEMORY'], '128');
    assert.equal(body.env['FN_TYPE'], 'sync');
    assert.ok(body.env['FN_APP_NAME']);
    assert.ok(body.env['FN_FN_NAME']);
    assert.equal(body.config['FOO'], 'bar');
    assert.match(String(res.headers['fn-call-id']), /^[0-9A-Z]{26}$/);
    assert.match(String(res.headers['fn-fdk-version']), /fdk-node/);
  });

  it("sends each call its deadline, Fn's Fn-Deadline: RFC 3339 in whole seconds, the fn's timeout ahead", async () => {
    const { fnId } = await createFn(base, 'fnode-test/headers', { timeout: 45 });
    for (let i = 0; i < 3; i++) {
      const sent = Date.now();
      const res = await http(base, 'POST', `/invoke/${fnId}`, { n: i });
      assert.equal(res.status, 200, res.text);
      const { deadline } = res.json<{ deadline: string }>();
      assert.match(deadline, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const ahead = Date.parse(deadline) - sent;
      // The call's deadline cut down to its second: up to a second short of the timeout (and the
      // few ms between sending and the server taking the call).
      assert.ok(ahead > 43_900 && ahead <= 45_100, `deadline ${deadline} is ${ahead} ms after the call`);
    }
  });

  it("gives the function fnode's own Fn-Call-Id and Fn-Deadline, not a client's, and every value of a repeated header", async () => {
    const { fnId } = await createFn(base, 'fnode-test/headers', { timeout: 45 });
    const res = await request(`${base}/invoke/${fnId}`, {
      method: 'POST',
      headers: [
        'content-type',
        'application/json',
        'fn-call-id',
        '01CLIENTSENT0000000000000',
        'fn-deadline',
        '2001-01-01T00:00:00Z',
        'set-cookie',
        'a=1',
        'set-cookie',
        'b=2',
        'x-plain',
        'kept',
      ],
      body: '{}',
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, 200, text);
    const seen = JSON.parse(text) as { callID: string; deadline: string; headers: Record<string, string[]> };
    assert.equal(seen.callID, String(res.headers['fn-call-id']));
    assert.notEqual(seen.callID, '01CLIENTSENT0000000000000');
    assert.ok(Date.parse(seen.deadline) > Date.now() + 40_000, `deadline ${seen.deadline}`);
    assert.deepEqual(seen.headers['Fn-Call-Id'], [seen.callID]);
    assert.deepEqual(seen.headers['Set-Cookie'], ['a=1', 'b=2']);
    assert.deepEqual(seen.headers['X-Plain'], ['kept']);
  });

  it('reuses one hot container for sequential calls', async () => {
    const { fnId } = await createFn(base, 'fnode-test/hello');
    const hosts = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await http(base, 'POST', `/invoke/${fnId}`, { name: String(i) });
      assert.equal(res.status, 200);
      hosts.add(res.json<{ hostname: string }>().hostname);
    }
    assert.equal(hosts.size, 1);
  });

  it('answers 504 Timed out when the call exceeds the fn timeout, records it, and kills the container', async () => {
    const { fnId } = await createFn(base, 'fnode-test/sleep', { timeout: 1 });
    // A hot container first: a cold start on a loaded machine can take the whole second.
    await eventually(
      async () => (await http(base, 'POST', `/invoke/${fnId}`, '1')).status === 200 || undefined,
      30_000,
    );
    const res = await http(base, 'POST', `/invoke/${fnId}`, '3000');
    assert.equal(res.status, 504);
    assert.deepEqual(res.json(), { message: 'Timed out' });
    const callId = String(res.headers['fn-call-id']);
    const call = await eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      return r.status === 200 ? r.json<{ status: string; error: string; reason?: string }>() : undefined;
    });
    assert.equal(call.status, 'error');
    assert.equal(call.error, 'Timed out');
    assert.equal(call.reason, 'timeout');
    // The killed container is replaced. Its cold start counts against the 1 s timeout, and a
    // loaded machine can push it past half of it (seed 004: then the call is not run): retry.
    const ok = await eventually(async () => {
      const r = await http(base, 'POST', `/invoke/${fnId}`, '10');
      return r.status === 200 ? r : undefined;
    }, 15_000);
    assert.equal(ok.text, 'slept 10');
  });

  it('answers 502 when the function crashes, then serves the next call from a new container', async () => {
    const { fnId } = await createFn(base, 'fnode-test/crash');
    const res = await http(base, 'POST', `/invoke/${fnId}`, 'x');
    assert.equal(res.status, 502);
    assert.deepEqual(res.json(), { message: 'error receiving function response' });
    const callId = String(res.headers['fn-call-id']);
    const call = await eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      return r.status === 200 ? r.json<{ status: string; reason?: string }>() : undefined;
    });
    assert.equal(call.status, 'error');
    assert.equal(call.reason, 'bad_exit');
    const again = await http(base, 'POST', `/invoke/${fnId}`, 'x');
    assert.equal(again.status, 502);
  });

  it('answers 502 when the function runs out of memory and records the kill', async () => {
    const { fnId } = await createFn(base, 'fnode-test/oom', { memory: 64 });
    const res = await http(base, 'POST', `/invoke/${fnId}`, '');
    assert.equal(res.status, 502);
    assert.deepEqual(res.json(), { message: 'error receiving function response' });
    const callId = String(res.headers['fn-call-id']);
    const call = await eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      return r.status === 200 ? r.json<{ reason?: string }>() : undefined;
    });
    assert.equal(call.reason, 'killed');
  });

  it('relays a large response body intact and refuses one over FN_MAX_RESPONSE_SIZE', async () => {
    const { fnId } = await createFn(base, 'fnode-test/big');
    const res = await http(base, 'POST', `/invoke/${fnId}`, String(2 * 1024 * 1024));
    assert.equal(res.status, 200);
    assert.equal(res.text.length, 2 * 1024 * 1024);
    const tooBig = await http(base, 'POST', `/invoke/${fnId}`, String(5 * 1024 * 1024));
    assert.equal(tooBig.status, 502);
    assert.deepEqual(tooBig.json(), { message: 'function response body too large' });
  });

  it('gives a clear 502 for an image that does not exist, at once', async () => {
    const { fnId } = await createFn(base, '127.0.0.1:9/missing:1');
    const t = Date.now();
    const res = await http(base, 'POST', `/invoke/${fnId}`, '');
    assert.equal(res.status, 502);
    assert.match(
      res.json<{ message: string }>().message,
      /^Failed to pull image '127\.0\.0\.1:9\/missing:1': /,
    );
    assert.ok(Date.now() - t < 10_000);
  });

  it('answers 202 at once for a detached call and still runs and records it', async () => {
    const { fnId } = await createFn(base, 'fnode-test/sleep');
    const t = Date.now();
    const res = await http(base, 'POST', `/invoke/${fnId}`, '1500', { 'Fn-Invoke-Type': 'detached' });
    assert.equal(res.status, 202);
    assert.ok(Date.now() - t < 1500, 'detached call answered before the function finished');
    const callId = String(res.headers['fn-call-id']);
    const call = await eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      const c = r.status === 200 ? r.json<{ status: string }>() : undefined;
      return c?.status === 'success' ? c : undefined;
    }, 20_000);
    assert.equal(call.status, 'success');
  });

  it('keeps stdout and stderr lines as the call log and lists the call records', async () => {
    const { fnId } = await createFn(base, 'fnode-test/logs');
    const res = await http(base, 'POST', `/invoke/${fnId}`, '3');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'logged 3');
    const callId = String(res.headers['fn-call-id']);
    const log = await eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`);
      return r.status === 200 ? r.json<{ call_id: string; log: string }>() : undefined;
    });
    assert.equal(log.call_id, callId);
    for (const line of ['line 1', 'line 2', 'line 3', 'stdout line'])
      assert.ok(log.log.includes(line), log.log);
    const text = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`, undefined, {
      accept: 'text/plain',
    });
    assert.equal(text.status, 200);
    assert.ok(text.text.includes('line 2'));
    const bad = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`, undefined, {
      accept: 'image/png',
    });
    assert.equal(bad.status, 406);

    // The log is written just before the record.
    const rec = await eventually(async () => {
      const list = await http(base, 'GET', `/v2/fns/${fnId}/calls`);
      assert.equal(list.status, 200);
      const items = list.json<{
        items: { id: string; status: string; created_at: string; started_at: string; completed_at: string }[];
      }>().items;
      return items.find((c) => c.id === callId);
    });
    assert.equal(rec.status, 'success');
    assert.ok(rec.created_at <= rec.started_at && rec.started_at <= rec.completed_at);
  });

  const logOf = (url: string, fnId: string, id: string) =>
    eventually(async () => {
      const r = await http(url, 'GET', `/v2/fns/${fnId}/calls/${id}/log`, undefined, {
        accept: 'text/plain',
      });
      return r.status === 200 ? r.text : undefined;
    });

  it('keeps the lines of each call in its log, by arrival time as Fn (the default)', async () => {
    const { fnId } = await createFn(base, 'fnode-test/logs');
    for (let i = 0; i < 5; i++) {
      const res = await http(base, 'POST', `/invoke/${fnId}`, '3');
      assert.equal(res.status, 200);
      const log = await logOf(base, fnId, String(res.headers['fn-call-id']));
      assert.deepEqual(log.split('\n').filter(Boolean).sort(), ['line 1', 'line 2', 'line 3', 'stdout line']);
    }
  });

  it('with FNODE_EXACT_CALL_LOGS=true, attributes every line to its call over many back-to-back calls', async () => {
    const exact = await startTestFnode({ FNODE_EXACT_CALL_LOGS: 'true' });
    try {
      const { fnId } = await createFn(exact.url, 'fnode-test/logs');
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await http(exact.url, 'POST', `/invoke/${fnId}`, '3');
        assert.equal(res.status, 200);
        ids.push(String(res.headers['fn-call-id']));
      }
      for (const id of ids) {
        const log = await logOf(exact.url, fnId, id);
        assert.deepEqual(log.split('\n').filter(Boolean).sort(), [
          'line 1',
          'line 2',
          'line 3',
          'stdout line',
        ]);
      }
    } finally {
      await exact.stop();
    }
  });

  it('answers an empty log for a call that wrote nothing', async () => {
    const { fnId } = await createFn(base, 'fnode-test/hello');
    const res = await http(base, 'POST', `/invoke/${fnId}`, '{}');
    const callId = String(res.headers['fn-call-id']);
    const log = await eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`);
      return r.status === 200 ? r.json<{ log: string }>() : undefined;
    });
    assert.deepEqual(log, { call_id: callId, log: '' });
  });

  it('validates the calls API input', async () => {
    const { fnId } = await createFn(base, 'fnode-test/hello');
    assert.equal(
      (await http(base, 'GET', `/v2/fns/${fnId}/calls?from_time=yesterday`)).json<{ message: string }>()
        .message,
      'from_time is not an epoch time',
    );
    assert.equal((await http(base, 'GET', `/v2/fns/${fnId}/calls?to_time=x`)).status, 400);
    assert.equal(
      (await http(base, 'GET', `/v2/fns/${fnId}/calls/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).json<{
        message: string;
      }>().message,
      'Call not found',
    );
    assert.equal(
      (await http(base, 'GET', `/v2/fns/${fnId}/calls/01ARZ3NDEKTSV4RRFFQ69G5FAV/log`)).status,
      404,
    );
    assert.equal(
      (await http(base, 'GET', '/v2/fns/01ARZ3NDEKTSV4RRFFQ69G5FAV/calls')).json<{ message: string }>()
        .message,
      'Fn not found',
    );
    assert.equal((await http(base, 'GET', `/v2/fns/${fnId}/calls?cursor=%%%`)).status, 400);
  });

  it('answers 404 for unknown or malformed fn ids and 405 for other methods', async () => {
    assert.deepEqual((await http(base, 'POST', '/invoke/01ARZ3NDEKTSV4RRFFQ69G5FAV', '')).json(), {
      message: 'Fn not found',
    });
    assert.equal((await http(base, 'POST', `/invoke/${'é'.repeat(300)}`, '')).status, 404);
    assert.equal((await http(base, 'GET', '/invoke/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status, 405);
    const { fnId } = await createFn(base, 'fnode-test/hello');
    const bad = await http(base, 'POST', `/invoke/${fnId}`, '', { 'Fn-Invoke-Type': 'sometimes' });
    assert.equal(bad.status, 400);
  });

  it('removes every container it started when it shuts down', async () => {
    const other = await startTestFnode();
    const { fnId } = await createFn(other.url, 'fnode-test/hello');
    assert.equal((await http(other.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
    assert.equal(containersOf(other.tag).length, 1);
    await other.stop();
    assert.equal(containersOf(other.tag).length, 0);
  });
});
