import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { ASYNC, finalCall, getCall, invokeAsync, listCalls, ms } from './helpers.js';

const docker = dockerAvailable();

describe('async invoke', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode({ FNODE_ASYNC_MAX_RESPONSE_BYTES: '64' });
  });
  after(async () => {
    await fnode?.stop();
  });

  it('answers 202 with the call id at once, and the call runs to success with its response stored', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 10 });
    const t = Date.now();
    const id = await invokeAsync(fnode.url, fnId, '3000');
    assert.ok(Date.now() - t < 1500, 'the 202 does not wait for the call');
    const call = await finalCall(fnode.url, fnId, id);
    assert.equal(call.status, 'success');
    assert.equal(call.type, 'async');
    assert.equal(call.payload, '3000');
    assert.equal(call.runs, 1);
    assert.equal(call.timeout, 10);
    assert.ok(call.started_at && call.completed_at);
    const res = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}/response`);
    assert.equal(res.status, 200);
    assert.equal(res.text, 'slept 3000');
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.equal(res.headers['fn-response-truncated'], undefined);
  });

  it('caps the stored response at FNODE_ASYNC_MAX_RESPONSE_BYTES and says so', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    const id = await invokeAsync(fnode.url, fnId, '{"name":"a rather long name to pass the cap"}');
    assert.equal((await finalCall(fnode.url, fnId, id)).status, 'success');
    const res = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}/response`);
    assert.equal(res.status, 200);
    assert.equal(Buffer.byteLength(res.text), 64);
    assert.ok(res.text.startsWith('{"message":"Hello a rather long name'));
    assert.equal(res.headers['fn-response-truncated'], 'true');
  });

  it('answers clear 400s for bad async headers, before looking the fn up', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    const cases: [Record<string, string>, RegExp][] = [
      [
        { 'fn-async-delay': 'soon' },
        /^Invalid Fn-Async-Delay header: "soon" \(use whole seconds from 0 to 86400\)$/,
      ],
      [{ 'fn-async-delay': '86401' }, /Fn-Async-Delay/],
      [{ 'fn-async-delay': '-1' }, /Fn-Async-Delay/],
      [{ 'fn-async-delay': '1.5' }, /Fn-Async-Delay/],
      [
        { 'fn-async-priority': '3' },
        /^Invalid Fn-Async-Priority header: "3" \(use 0 for low, 1 for normal or 2 for high\)$/,
      ],
      [{ 'fn-async-priority': 'high' }, /Fn-Async-Priority/],
      [
        { 'idempotency-key': 'k'.repeat(256) },
        /^Invalid Idempotency-Key header: 256 characters long \(at most 255\)$/,
      ],
    ];
    for (const [headers, message] of cases) {
      for (const target of [fnId, '01ZZZZZZZZZZZZZZZZZZZZZZZZ']) {
        const r = await http(fnode.url, 'POST', `/invoke/${target}`, '{}', { ...ASYNC, ...headers });
        assert.equal(r.status, 400, JSON.stringify(headers));
        assert.match(r.json<{ message: string }>().message, message);
      }
    }
    assert.equal((await listCalls(fnode.url, fnId)).length, 0, 'nothing was stored');
    const ok = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}', {
      ...ASYNC,
      'fn-async-delay': '0',
      'fn-async-priority': '2',
      'idempotency-key': 'k'.repeat(255),
    });
    assert.equal(ok.status, 202);
  });

  it('holds a delayed call as delayed until its delay has passed, then runs it', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    const id = await invokeAsync(fnode.url, fnId, '{}', { 'fn-async-delay': '2' });
    assert.equal((await getCall(fnode.url, fnId, id)).status, 'delayed');
    const call = await finalCall(fnode.url, fnId, id);
    assert.equal(call.status, 'success');
    // Its recorded start proves it was held: no wait of the test's own can tell more.
    assert.ok(ms(call.started_at) - ms(call.created_at) >= 2000, 'not started before the delay');
  });

  it('answers the same call id for a repeated Idempotency-Key and runs the call once', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    const other = await createFn(fnode.url, 'fnode-test/hello');
    const key = `key-${Date.now()}`;
    const ids = await Promise.all(
      [1, 2, 3, 4, 5].map(() => invokeAsync(fnode.url, fnId, '{}', { 'idempotency-key': key })),
    );
    assert.equal(new Set(ids).size, 1, 'concurrent repeats share one call');
    const [id] = ids;
    assert.ok(id);
    assert.equal((await finalCall(fnode.url, fnId, id)).status, 'success');
    assert.equal(await invokeAsync(fnode.url, fnId, '{}', { 'idempotency-key': key }), id, 'later repeat');
    const calls = await listCalls(fnode.url, fnId);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.runs, 1);
    const otherId = await invokeAsync(fnode.url, other.fnId, '{}', { 'idempotency-key': key });
    assert.notEqual(otherId, id, 'keys are per fn');
  });

  it('cancels a delayed call (client_request) and refuses to cancel it again with 409', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    const id = await invokeAsync(fnode.url, fnId, '{}', { 'fn-async-delay': '1' });
    const r = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/${id}/cancel`);
    assert.equal(r.status, 200);
    assert.equal(r.json<{ status: string }>().status, 'cancelled');
    assert.equal(r.json<{ reason: string }>().reason, 'client_request');
    // A call with the same delay, accepted after the cancel, runs after the cancelled one would
    // have: once it has ended, the cancelled one had its chance to run.
    const later = await invokeAsync(fnode.url, fnId, '{}', { 'fn-async-delay': '1' });
    assert.equal((await finalCall(fnode.url, fnId, later)).status, 'success');
    const call = await getCall(fnode.url, fnId, id);
    assert.equal(call.status, 'cancelled', 'the cancelled call never ran');
    assert.equal(call.runs, undefined);
    const again = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/${id}/cancel`);
    assert.equal(again.status, 409);
    assert.equal(
      again.json<{ message: string }>().message,
      'Call cannot be cancelled: it is cancelled (only queued or delayed calls can be)',
    );
    const missing = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/01ZZZZZZZZZZZZZZZZZZZZZZZZ/cancel`);
    assert.equal(missing.status, 404);
  });

  it('refuses to cancel a running call with 409', async () => {
    // Its cold start counts against the timeout (seed 004: half of it must be left): room for a slow one.
    const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
    const id = await invokeAsync(fnode.url, fnId, '1500');
    await eventually(async () =>
      (await getCall(fnode.url, fnId, id)).status === 'running' ? true : undefined,
    );
    const r = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/${id}/cancel`);
    assert.equal(r.status, 409);
    assert.match(r.json<{ message: string }>().message, /it is running/);
    assert.equal((await finalCall(fnode.url, fnId, id)).status, 'success');
  });
});

describe('async priorities', { skip: !docker && 'Docker is not reachable' }, () => {
  it('runs queued calls by priority, high first, when capacity frees up', async () => {
    const fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(128 * 1024 * 1024) });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 10 });
      const first = await invokeAsync(fnode.url, fnId, '1500');
      await eventually(async () =>
        (await getCall(fnode.url, fnId, first)).status === 'running' ? true : undefined,
      );
      const low1 = await invokeAsync(fnode.url, fnId, '20', { 'fn-async-priority': '0' });
      const normal = await invokeAsync(fnode.url, fnId, '20', { 'fn-async-priority': '1' });
      const low2 = await invokeAsync(fnode.url, fnId, '20', { 'fn-async-priority': '0' });
      const high = await invokeAsync(fnode.url, fnId, '20', { 'fn-async-priority': '2' });
      const calls = await Promise.all([low1, normal, low2, high].map((id) => finalCall(fnode.url, fnId, id)));
      for (const c of calls) assert.equal(c.status, 'success');
      const order = [...calls].sort((a, b) => ms(a.started_at) - ms(b.started_at)).map((c) => c.id);
      assert.deepEqual(order, [high, normal, low1, low2]);
    } finally {
      await fnode.stop();
    }
  });
});
