import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type App, type Call, type Fn, newId } from '../../src/models/index.js';
import { callBody, newAsyncCall } from '../../src/runner/index.js';
import { describeEachDialect, rejectsWith, uniq } from './dialects.js';

function asyncCall(fnId: string, over: Partial<Call> = {}): Call {
  const now = new Date().toISOString();
  return {
    id: newId(),
    status: 'queued',
    app_id: 'APP',
    app_name: 'app',
    fn_id: fnId,
    trigger_id: '',
    type: 'async',
    created_at: now,
    attempt: 1,
    event_at: now,
    run_at: now,
    ...over,
  };
}

const past = (secs: number) => new Date(Date.now() - secs * 1000).toISOString();

describeEachDialect('datastore async calls', (ctx) => {
  it('stores the async fields and reads them back', async () => {
    const fnId = uniq('fn');
    const call = asyncCall(fnId, {
      runs: 2,
      retry_of: newId(),
      dead_letter: true,
      status: 'error',
      payload: 'AAEC',
      payload_encoding: 'base64',
    });
    await ctx.ds.insertAsyncCall(call);
    assert.deepEqual(await ctx.ds.getCallById(call.id), call);
  });

  // Found by test/security/hostile-input.test.ts: a UTF-16 body (valid UTF-8, NUL bytes and all)
  // was stored as text, which PostgreSQL refuses: the async request was a 500.
  it('stores any request body, NUL bytes and invalid UTF-8 included, and gives it back byte for byte', async () => {
    const app: App = { id: 'APP', name: 'app', created_at: past(1), updated_at: past(1) };
    const fn: Fn = {
      ...{ id: uniq('fn'), name: 'f', app_id: app.id, image: 'img:1', config: {} },
      ...{ memory: 128, timeout: 30, idle_timeout: 30, created_at: past(1), updated_at: past(1) },
    };
    for (const body of [
      Buffer.from('{"a":1}', 'utf16le'),
      Buffer.from([0xff, 0, 1]),
      Buffer.from('plain é'),
    ]) {
      const call = newAsyncCall({
        app,
        fn,
        headers: {},
        body,
        method: 'POST',
        url: 'http://x/',
        delaySecs: 0,
        priority: 0,
      });
      await ctx.ds.insertAsyncCall(call);
      assert.deepEqual(callBody(await ctx.ds.getCallById(call.id)), body);
    }
  });

  it('gives one call per Idempotency-Key and fn under concurrent claims, and a new one after the window', async () => {
    const fnId = uniq('fn');
    const key = uniq('key');
    const claim = { key, notBefore: past(60) };
    const calls = Array.from({ length: 8 }, () => asyncCall(fnId));
    const results = await Promise.all(calls.map((c) => ctx.ds.insertAsyncCall(c, claim)));
    const winners = results.filter((r) => r.created);
    assert.equal(winners.length, 1);
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    const stored = await ctx.ds.getCallsByStatus('async', ['queued'], { limit: 100 });
    assert.equal(stored.filter((c) => c.fn_id === fnId).length, 1);
    const other = await ctx.ds.insertAsyncCall(asyncCall(uniq('fn')), claim);
    assert.ok(other.created, 'keys are per fn');
    const later = asyncCall(fnId);
    const expired = await ctx.ds.insertAsyncCall(later, {
      key,
      notBefore: new Date(Date.now() + 1000).toISOString(),
    });
    assert.deepEqual(expired, { id: later.id, created: true });
  });

  it('lists dead letters newest first and clears the flag once', async () => {
    const fnId = uniq('fn');
    const a = asyncCall(fnId, { status: 'error', dead_letter: true });
    const b = asyncCall(fnId, { status: 'error', dead_letter: true });
    const c = asyncCall(fnId, { status: 'error' });
    for (const x of [a, b, c]) await ctx.ds.insertAsyncCall(x);
    const page = await ctx.ds.getDeadLetters({ fnId, perPage: 10 });
    assert.deepEqual(
      page.items.map((x) => x.id),
      [b.id, a.id],
    );
    assert.equal(await ctx.ds.clearDeadLetter(a.id), true);
    assert.equal(await ctx.ds.clearDeadLetter(a.id), false);
    assert.deepEqual(
      (await ctx.ds.getDeadLetters({ fnId, perPage: 10 })).items.map((x) => x.id),
      [b.id],
    );
  });

  it("counts a fn's queued, delayed and running calls, and no other fn's", async () => {
    const fnId = uniq('fn');
    const statuses: Call['status'][] = [
      'queued',
      'queued',
      'delayed',
      'running',
      'success',
      'error',
      'cancelled',
    ];
    for (const status of statuses) await ctx.ds.insertAsyncCall(asyncCall(fnId, { status }));
    await ctx.ds.insertAsyncCall(asyncCall(uniq('fn'), { status: 'queued' }));
    assert.deepEqual(await ctx.ds.countPendingCalls(fnId), { queued: 2, delayed: 1, running: 1 });
    assert.deepEqual(await ctx.ds.countPendingCalls(uniq('fn')), { queued: 0, delayed: 0, running: 0 });
  });

  it('stores and overwrites a call response, binary safe', async () => {
    const id = newId();
    await rejectsWith(ctx.ds.getCallResponse(id), 404, 'Call response not found');
    const body = Buffer.from([0, 1, 2, 255, 254]);
    await ctx.ds.insertCallResponse(id, {
      status: 200,
      headers: { 'Content-Type': 'x/y' },
      body,
      truncated: true,
    });
    assert.deepEqual(await ctx.ds.getCallResponse(id), {
      status: 200,
      headers: { 'Content-Type': 'x/y' },
      body,
      truncated: true,
    });
    await ctx.ds.insertCallResponse(id, {
      status: 200,
      headers: {},
      body: Buffer.from('ok'),
      truncated: false,
    });
    assert.equal((await ctx.ds.getCallResponse(id)).body.toString(), 'ok');
  });
});

describeEachDialect('datastore call changes in one transaction', (ctx) => {
  it('reads many calls by id at once, leaving out ids it does not have', async () => {
    const fnId = uniq('fn');
    const calls = [asyncCall(fnId), asyncCall(fnId), asyncCall(fnId)];
    await ctx.ds.insertCalls(calls);
    const got = await ctx.ds.getCallsByIds([...calls.map((c) => c.id), newId()]);
    assert.deepEqual(got.map((c) => c.id).sort(), calls.map((c) => c.id).sort());
    assert.deepEqual(await ctx.ds.getCallsByIds([]), []);
  });

  it('applies each change whose call still has its from-status, with its retry and response, and skips the rest', async () => {
    const fnId = uniq('fn');
    const [a, b, c] = [asyncCall(fnId), asyncCall(fnId), asyncCall(fnId)];
    await ctx.ds.insertCalls([a, b, c]);
    // b moves on before the batch: its change no longer applies.
    const bRunning: Call = { ...b, status: 'running' };
    await ctx.ds.updateCall(b, bRunning);
    const retry = asyncCall(fnId, { attempt: 2, retry_of: c.id });
    const done = new Date().toISOString();
    const applied = await ctx.ds.applyCallChanges([
      {
        from: a,
        to: { ...a, status: 'success', completed_at: done },
        response: { status: 201, headers: { 'x-a': ['1'] }, body: Buffer.from('hi'), truncated: false },
      },
      { from: b, to: { ...b, status: 'cancelled', completed_at: done } },
      { from: c, to: { ...c, status: 'error', error: 'boom', completed_at: done }, next: retry },
    ]);
    assert.deepEqual(applied, [true, false, true]);
    assert.equal((await ctx.ds.getCallById(a.id)).status, 'success');
    assert.deepEqual(await ctx.ds.getCallResponse(a.id), {
      status: 201,
      headers: { 'x-a': ['1'] },
      body: Buffer.from('hi'),
      truncated: false,
    });
    assert.equal((await ctx.ds.getCallById(b.id)).status, 'running');
    assert.equal((await ctx.ds.getCallById(c.id)).error, 'boom');
    assert.equal((await ctx.ds.getCallById(retry.id)).retry_of, c.id);
  });

  it('stores nothing of a skipped change: neither its retry nor its response', async () => {
    const fnId = uniq('fn');
    const a = asyncCall(fnId);
    await ctx.ds.insertCalls([a]);
    const retry = asyncCall(fnId, { attempt: 2 });
    const applied = await ctx.ds.applyCallChanges([
      {
        from: { ...a, status: 'running' },
        to: { ...a, status: 'error' },
        next: retry,
        response: { status: 200, headers: {}, body: Buffer.from('x'), truncated: false },
      },
    ]);
    assert.deepEqual(applied, [false]);
    await rejectsWith(ctx.ds.getCallById(retry.id), 404, 'Call not found');
    await rejectsWith(ctx.ds.getCallResponse(a.id), 404, 'Call response not found');
  });
});
