import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatastore, type Datastore } from '../../src/datastore/index.js';
import { CallRecorder } from '../../src/invoke/call-recorder.js';
import { newSyncCall } from '../../src/invoke/recorded-run.js';
import { type Call, newId } from '../../src/models/index.js';
import { describeEachDialect } from '../datastore/dialects.js';

function call(fnId: string): Call {
  return {
    id: newId(),
    status: 'success',
    app_id: 'APP',
    app_name: 'app',
    fn_id: fnId,
    trigger_id: '',
    created_at: new Date().toISOString(),
  };
}

describe('CallRecorder on a real SQLite datastore', () => {
  let dir: string;
  let ds: Datastore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnode-recorder-'));
    ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
  });
  after(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a large batch in slices, with a turn of the event loop between them', async () => {
    const events: string[] = [];
    const recorder = new CallRecorder({
      store: {
        insertLogs: (logs) => ds.insertLogs(logs),
        insertCalls: async (calls) => {
          await ds.insertCalls(calls);
          events.push(`write ${calls.length}`);
          // Runs before the next slice only if the recorder lets the event loop turn.
          if (events.length === 1) setImmediate(() => events.push('other work'));
        },
      },
      flushMs: 1000,
      sliceRows: 4,
    });
    const calls = Array.from({ length: 10 }, () => call('F3'));
    for (const c of calls) recorder.record(c);
    await recorder.flush();
    assert.deepEqual(events, ['write 4', 'other work', 'write 4', 'write 2']);
    for (const c of calls) assert.equal((await ds.getCallById(c.id)).status, 'success');
  });

  it('writes a batch of records and logs, the logs first, so a visible call has its log', async () => {
    const order: string[] = [];
    const recorder = new CallRecorder({
      store: {
        insertLogs: async (logs) => {
          await ds.insertLogs(logs);
          order.push(`logs ${logs.map((l) => l.callId).join(' ')}`);
        },
        insertCalls: async (calls) => {
          await ds.insertCalls(calls);
          order.push(`calls ${calls.length}`);
        },
      },
      flushMs: 5,
    });
    const calls = [call('F1'), call('F1'), call('F1')];
    recorder.record(calls[0]!, 'first\n');
    recorder.record(calls[1]!);
    recorder.record(calls[2]!, 'third\n');
    await recorder.flush();
    assert.deepEqual(order, [`logs ${calls[0]!.id} ${calls[2]!.id}`, 'calls 3']);
    for (const c of calls) assert.equal((await ds.getCallById(c.id)).status, 'success');
    assert.equal(await ds.getLog(calls[0]!.id), 'first\n');
    await assert.rejects(ds.getLog(calls[1]!.id), /Call log not found/);
  });

  it('writes on its timer without a flush', async () => {
    const recorder = new CallRecorder({ store: ds, flushMs: 5 });
    const c = call('F2');
    recorder.record(c, 'timed\n');
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = await ds.getCallById(c.id).catch(() => undefined);
      if (found) break;
      assert.ok(Date.now() < deadline, 'the record was not written');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(await ds.getLog(c.id), 'timed\n');
  });

  it('under steady traffic, writes at most once per minFlushIntervalMs: one batch for more calls', async () => {
    const batches: number[] = [];
    const recorder = new CallRecorder({
      store: { insertLogs: async () => {}, insertCalls: async (calls) => void batches.push(calls.length) },
      flushMs: 1,
      minFlushIntervalMs: 60_000,
    });
    recorder.record(call('F4'));
    await recorder.flush();
    // Just written: the next records wait for the interval, not for flushMs (which passes).
    recorder.record(call('F4'));
    await new Promise((r) => setTimeout(r, 20));
    recorder.record(call('F4'));
    await recorder.flush();
    assert.deepEqual(batches, [1, 2]);
  });

  // Found by test/security/ on MariaDB: one call whose URL was over a TEXT column's 64 KiB made
  // the database refuse the whole batch, and every call recorded with it was lost.
  it('loses only the record the store refuses, not the rest of its batch', async () => {
    const [a, poison, c] = [call('F5'), call('F5'), call('F5')];
    const failed: string[][] = [];
    const recorder = new CallRecorder({
      store: {
        insertLogs: (logs) => ds.insertLogs(logs),
        insertCalls: async (calls) => {
          if (calls.some((x) => x.id === poison.id)) throw new Error('Data too long for column url');
          await ds.insertCalls(calls);
        },
      },
      onError: (_err, ids) => failed.push(ids),
    });
    for (const x of [a, poison, c]) recorder.record(x, `${x.id}\n`);
    await recorder.flush();
    assert.deepEqual(failed, [[poison.id]]);
    assert.equal((await ds.getCallById(a.id)).id, a.id);
    assert.equal((await ds.getCallById(c.id)).id, c.id);
    await assert.rejects(ds.getCallById(poison.id), /Call not found/);
  });

  it('keeps the records when the log store fails, and reports the ids it could not write', async () => {
    const failed: string[][] = [];
    const recorder = new CallRecorder({
      store: {
        insertLogs: async () => {
          throw new Error('log store is down');
        },
        insertCalls: (calls) => ds.insertCalls(calls),
      },
      onError: (_err, ids) => failed.push(ids),
    });
    const a = call('F3');
    const b = call('F3');
    const c = call('F3');
    recorder.record(a, 'lost\n');
    recorder.record(b);
    recorder.record(c, 'lost too\n');
    await recorder.flush();
    assert.deepEqual(failed, [[a.id, c.id]]);
    assert.equal((await ds.getCallById(a.id)).id, a.id);
    assert.equal((await ds.getCallById(b.id)).id, b.id);
    assert.equal((await ds.getCallById(c.id)).id, c.id);
  });
});

describeEachDialect("a sync call's record", (ctx) => {
  it('keeps the first 64 KiB of a longer URL, so that every datastore holds it', async () => {
    const app = { id: 'APP', name: 'app', created_at: '', updated_at: '' };
    const target = {
      fn_id: 'FN',
      trigger_id: '',
      image: 'img',
      format: 'http-stream',
      memory: 128,
      timeout: 30,
      idle_timeout: 30,
    };
    const url = `http://x/t/app/t?q=${'é'.repeat(40_000)}`;
    const c = { ...newSyncCall(app, target, 'GET', url, Date.now()), status: 'success' as const };
    assert.ok(url.startsWith(c.url ?? '') && Buffer.byteLength(c.url ?? '') <= 65_535);
    assert.ok(Buffer.byteLength(c.url ?? '') > 65_530);
    const recorder = new CallRecorder({ store: ctx.ds });
    recorder.record(c);
    await recorder.flush();
    assert.equal((await ctx.ds.getCallById(c.id)).url, c.url);
  });
});
