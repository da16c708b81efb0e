import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatastore, type Datastore } from '../../src/datastore/index.js';
import { CallRecorder } from '../../src/invoke/call-recorder.js';
import { type Call, newId } from '../../src/models/index.js';

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
