import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ApiError, type Call, newId } from '../../src/models/index.js';
import { describeEachDialect, rejectsWith, uniq } from './dialects.js';

const MISSING = '0000000000000000000000000Z';

function minimalCall(fnId: string, over: Partial<Call> = {}): Call {
  return {
    id: newId(),
    status: 'queued',
    app_id: 'APP',
    app_name: '',
    fn_id: fnId,
    trigger_id: '',
    created_at: new Date().toISOString(),
    ...over,
  };
}

function fullCall(fnId: string): Call {
  return {
    ...minimalCall(fnId),
    status: 'error',
    app_name: 'my-app',
    trigger_id: 'TRIGGER',
    path: '/r/x',
    image: 'img:1',
    type: 'sync',
    format: 'http-stream',
    memory: 256,
    cpus: '500m',
    timeout: 30,
    idle_timeout: 60,
    priority: 1,
    config: { FN_X: 'y' },
    headers: { 'Content-Type': ['text/plain'], 'X-Multi': ['a', 'b'] },
    method: 'POST',
    url: 'http://127.0.0.1:8080/invoke/x?q=1',
    payload: 'ü'.repeat(70_000),
    started_at: '2024-01-02T03:04:05.678Z',
    completed_at: '2024-01-02T03:04:06.789Z',
    stats: [{ timestamp: '2024-01-02T03:04:06.000Z', metrics: { mem_rss: 1024, cpu_user: 0.5 } }],
    error: 'function failed',
    reason: 'bad_exit',
    execution_duration: 9_007_199_254_740,
  };
}

describeEachDialect('datastore calls and logs', (ctx) => {
  it('stores every call field and omits absent ones', async () => {
    const fnId = uniq('fn');
    const full = fullCall(fnId);
    const minimal = minimalCall(fnId);
    await ctx.ds.insertCalls([full, minimal]);
    assert.deepEqual(await ctx.ds.getCallById(full.id), full);
    assert.deepEqual(await ctx.ds.getCall(fnId, full.id), full);
    const read = await ctx.ds.getCallById(minimal.id);
    assert.deepEqual(read, minimal);
    assert.ok(!Object.values(read).includes(null));
  });

  it('stores each batch its own values when batches of one size repeat (reused SQL)', async () => {
    const fnId = uniq('fn');
    const batches = [0, 1, 2].map((n) => [
      fullCall(fnId),
      minimalCall(fnId, { status: 'success', error: `batch ${n}` }),
      minimalCall(fnId, { app_name: `app-${n}`, memory: 128 + n }),
    ]);
    for (const b of batches) await ctx.ds.insertCalls(b);
    for (const b of batches) for (const c of b) assert.deepEqual(await ctx.ds.getCallById(c.id), c);
  });

  it('inserts a batch and replaces existing ids', async () => {
    const fnId = uniq('fn');
    const calls = Array.from({ length: 25 }, () => minimalCall(fnId));
    await ctx.ds.insertCalls(calls);
    await ctx.ds.insertCalls([]);
    const first = calls[0]!;
    const replaced: Call = {
      ...first,
      status: 'success',
      completed_at: '2024-01-01T00:00:00.000Z',
      error: 'x',
    };
    await ctx.ds.insertCalls([replaced, minimalCall(fnId)]);
    assert.deepEqual(await ctx.ds.getCallById(first.id), replaced);
    const page = await ctx.ds.getCalls({ fnId, perPage: 100 });
    assert.equal(page.items.length, 26);
  });

  it('finds a call only under its fn', async () => {
    const fnId = uniq('fn');
    const call = minimalCall(fnId);
    await ctx.ds.insertCalls([call]);
    await rejectsWith(ctx.ds.getCall(uniq('other'), call.id), 404, 'Call not found');
    await rejectsWith(ctx.ds.getCall(fnId, MISSING), 404, 'Call not found');
    await rejectsWith(ctx.ds.getCallById(MISSING), 404, 'Call not found');
  });

  it('lists newest first through several pages, filtered by fn and app', async () => {
    const fnId = uniq('fn');
    const appId = uniq('app');
    const calls = Array.from({ length: 7 }, () => minimalCall(fnId, { app_id: appId }));
    await ctx.ds.insertCalls([...calls].reverse());
    await ctx.ds.insertCalls([minimalCall(uniq('other'), { app_id: appId })]);
    const ids = calls.map((c) => c.id).reverse();
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.ds.getCalls({ fnId, perPage: 3, ...(cursor && { cursor }) });
      pages.push(page.items.map((c) => c.id));
      if (page.nextCursor)
        assert.equal(page.nextCursor, Buffer.from(page.items[2]!.id).toString('base64url'));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(pages, [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    assert.equal((await ctx.ds.getCalls({ appId, perPage: 50 })).items.length, 8);
    assert.equal((await ctx.ds.getCalls({ appId, fnId, perPage: 50 })).items.length, 7);
  });

  it('filters on created_at with exclusive unix-second bounds', async () => {
    const fnId = uniq('fn');
    const at = (s: number) => new Date(s * 1000).toISOString();
    const calls = [1000, 2000, 2000.5, 3000, 4000].map((s) => minimalCall(fnId, { created_at: at(s) }));
    await ctx.ds.insertCalls(calls);
    const created = async (f: { fromTime?: number; toTime?: number }) =>
      (await ctx.ds.getCalls({ fnId, perPage: 10, ...f })).items.map((c) => c.created_at).sort();
    assert.deepEqual(await created({ fromTime: 2000 }), [at(2000.5), at(3000), at(4000)]);
    assert.deepEqual(await created({ toTime: 3000 }), [at(1000), at(2000), at(2000.5)]);
    assert.deepEqual(await created({ fromTime: 1000, toTime: 4000 }), [at(2000), at(2000.5), at(3000)]);
    assert.deepEqual(await created({ fromTime: 5000 }), []);
  });

  it('updates a call by compare-and-swap on its status', async () => {
    const fnId = uniq('fn');
    const queued = minimalCall(fnId);
    await ctx.ds.insertCalls([queued]);
    const running: Call = { ...queued, status: 'running', started_at: new Date().toISOString() };
    await ctx.ds.updateCall(queued, running);
    assert.deepEqual(await ctx.ds.getCallById(queued.id), running);
    await rejectsWith(
      ctx.ds.updateCall(queued, { ...queued, status: 'cancelled' }),
      409,
      'Call to be updated is different from expected',
    );
    await ctx.ds.updateCall(running, running);
    const done: Call = { ...running, status: 'success', completed_at: new Date().toISOString() };
    await ctx.ds.updateCall(running, done);
    assert.deepEqual(await ctx.ds.getCallById(queued.id), done);
    const ghost = minimalCall(fnId);
    await rejectsWith(ctx.ds.updateCall(ghost, { ...ghost, status: 'running' }), 404, 'Call not found');
  });

  it('stores a follow-up call with the update in one transaction: both or neither', async () => {
    const fnId = uniq('fn');
    const running = minimalCall(fnId, { status: 'running' });
    await ctx.ds.insertCalls([running]);
    const failed: Call = { ...running, status: 'error', error: 'boom' };
    const retry = minimalCall(fnId, { retry_of: running.id, attempt: 2 });
    // The swap fails (the call is no longer queued): the retry is not stored either.
    await rejectsWith(
      ctx.ds.updateCall({ ...running, status: 'queued' }, failed, retry),
      409,
      'Call to be updated is different from expected',
    );
    await rejectsWith(ctx.ds.getCallById(retry.id), 404, 'Call not found');
    assert.equal((await ctx.ds.getCallById(running.id)).status, 'running');
    // The insert fails (its id is taken): the update is rolled back.
    await rejectsWith(
      ctx.ds.updateCall(running, failed, { ...retry, id: running.id }).then(
        () => undefined,
        () => {
          throw new ApiError(409, 'rolled back');
        },
      ),
      409,
      'rolled back',
    );
    assert.equal((await ctx.ds.getCallById(running.id)).status, 'running');
    await ctx.ds.updateCall(running, failed, retry);
    assert.deepEqual(await ctx.ds.getCallById(running.id), failed);
    assert.deepEqual(await ctx.ds.getCallById(retry.id), retry);
  });

  it('stores, overwrites and reads logs', async () => {
    const id = newId();
    await rejectsWith(ctx.ds.getLog(id), 404, 'Call log not found');
    await ctx.ds.insertLogs([{ callId: id, log: 'first line\n' }]);
    assert.equal(await ctx.ds.getLog(id), 'first line\n');
    const big = 'log ü line\n'.repeat(30_000);
    await ctx.ds.insertLogs([{ callId: id, log: big }]);
    assert.equal(await ctx.ds.getLog(id), big);
    await ctx.ds.insertLogs([{ callId: id, log: '' }]);
    assert.equal(await ctx.ds.getLog(id), '');
    await ctx.ds.insertLogs([]);
    await rejectsWith(ctx.ds.insertLogs([{ callId: '', log: 'x' }]), 400, 'Missing call ID');
  });

  // Found while fuzzing the API on PostgreSQL (test/security/): text holding U+0000 fails a
  // statement there, and a function's NUL byte cost the logs of every call in its batch.
  it('stores a log holding NUL bytes, with U+FFFD in their place, beside the rest of its batch', async () => {
    const [a, b] = [newId(), newId()];
    await ctx.ds.insertLogs([
      { callId: a, log: 'before\u0000after\n' },
      { callId: b, log: 'plain\n' },
    ]);
    assert.equal(await ctx.ds.getLog(a), 'before\uFFFDafter\n');
    assert.equal(await ctx.ds.getLog(b), 'plain\n');
  });

  it('stores a batch of logs in one go, overwriting, each its own value as batch sizes repeat', async () => {
    for (let round = 0; round < 3; round++) {
      const logs = Array.from({ length: 4 }, (_, i) => ({
        callId: newId(),
        log: `round ${round} log ${i}\n`,
      }));
      await ctx.ds.insertLogs(logs);
      for (const l of logs) assert.equal(await ctx.ds.getLog(l.callId), l.log);
    }
    const ids = Array.from({ length: 1203 }, () => newId());
    await ctx.ds.insertLogs(ids.map((callId) => ({ callId, log: 'old' })));
    await ctx.ds.insertLogs(ids.map((callId, i) => ({ callId, log: `new ${i}` })));
    assert.equal(await ctx.ds.getLog(ids[0]!), 'new 0');
    assert.equal(await ctx.ds.getLog(ids[1202]!), 'new 1202');
  });

  it('rejects a malformed call cursor', async () => {
    await rejectsWith(ctx.ds.getCalls({ perPage: 3, cursor: 'a b' }), 400, 'Invalid cursor');
  });
});
