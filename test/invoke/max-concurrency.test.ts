import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  containersOf,
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();

interface CallRecord {
  id: string;
  status: string;
  error?: string;
  reason?: string;
  started_at: string;
  completed_at: string;
}

describe('several calls at once in one container (fnode.io/max-concurrency)', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  it('gives overlapping calls in one container each their own answer, record and log', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', {
        annotations: { 'fnode.io/max-concurrency': 4 },
      });
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
      const sleeps = [600, 700, 800, 900];
      const replies = await Promise.all(
        sleeps.map((ms) => http(fnode.url, 'POST', `/invoke/${fnId}`, String(ms))),
      );
      assert.deepEqual(
        replies.map((r) => [r.status, r.text]),
        sleeps.map((ms) => [200, `slept ${ms}`]),
      );
      assert.equal(fnode.agent?.stats().containers, 1);
      assert.equal(containersOf(fnode.tag).length, 1);
      const ids = replies.map((r) => String(r.headers['fn-call-id']));
      assert.equal(new Set(ids).size, 4);
      const records = await Promise.all(
        ids.map((id) =>
          eventually(async () => {
            const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}`);
            return r.status === 200 ? r.json<CallRecord>() : undefined;
          }),
        ),
      );
      for (const rec of records) assert.equal(rec.status, 'success');
      // They ran at once: every call started before any of them completed.
      const lastStart = Math.max(...records.map((r) => Date.parse(r.started_at)));
      const firstEnd = Math.min(...records.map((r) => Date.parse(r.completed_at)));
      assert.ok(lastStart < firstEnd, 'the four calls overlapped in the one container');
    } finally {
      await fnode.stop();
    }
  });

  it('times out only the overlapping call that is too slow; the others answer', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', {
        timeout: 3,
        annotations: { 'fnode.io/max-concurrency': 2 },
      });
      // A hot container first: a cold start on a loaded machine can take the whole 3 s.
      await eventually(
        async () => (await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status === 200 || undefined,
        30_000,
      );
      const [slow, fast] = await Promise.all([
        http(fnode.url, 'POST', `/invoke/${fnId}`, '8000'),
        http(fnode.url, 'POST', `/invoke/${fnId}`, '300'),
      ]);
      assert.equal(fast.status, 200);
      assert.equal(fast.text, 'slept 300');
      assert.equal(slow.status, 504);
      const rec = await eventually(async () => {
        const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${String(slow.headers['fn-call-id'])}`);
        return r.status === 200 ? r.json<CallRecord>() : undefined;
      });
      assert.equal(rec.status, 'error');
      assert.equal(rec.reason, 'timeout');
      // The container of a timed-out call is replaced; the fn keeps answering.
      const next = await eventually(async () => {
        const r = await http(fnode.url, 'POST', `/invoke/${fnId}`, '5');
        return r.status === 200 ? r : undefined;
      }, 15_000);
      assert.equal(next.text, 'slept 5');
    } finally {
      await fnode.stop();
    }
  });

  it('keeps every line a call writes in its log when calls overlap', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/logs', {
        annotations: { 'fnode.io/max-concurrency': 8 },
      });
      const replies = await Promise.all(
        [2, 3, 4].map((n) => http(fnode.url, 'POST', `/invoke/${fnId}`, String(n))),
      );
      for (const [i, r] of replies.entries()) {
        assert.equal(r.status, 200);
        const id = String(r.headers['fn-call-id']);
        const log = await eventually(async () => {
          const res = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}/log`);
          return res.status === 200 ? res.json<{ log: string }>().log : undefined;
        });
        for (let line = 1; line <= i + 2; line++)
          assert.ok(log.includes(`line ${line}\n`), `call ${i}: line ${line}`);
        assert.ok(log.includes('stdout line\n'));
      }
    } finally {
      await fnode.stop();
    }
  });
});
