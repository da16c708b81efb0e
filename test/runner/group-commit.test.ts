import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from '../../src/runner/group-commit.js';

describe('group commit', () => {
  it('writes what was submitted in one turn as one batch, each submitter getting its own result', async () => {
    const batches: number[][] = [];
    const g = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([g.submit(1), g.submit(2), g.submit(3)]);
    assert.deepEqual(results, [10, 20, 30]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('holds what comes while a batch is being written, and writes it as the next batch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const g = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items;
    });
    const first = g.submit(1);
    // Several turns of the event loop pass while the first batch is being written.
    await new Promise((r) => setImmediate(r));
    const later = [g.submit(2)];
    await new Promise((r) => setImmediate(r));
    later.push(g.submit(3));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches, [[1]]);
    release();
    assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3]);
    assert.deepEqual(batches, [[1], [2, 3]]);
  });

  it('rejects every submitter of a batch that failed, and the next batch still goes', async () => {
    let fail = true;
    const g = new GroupCommit<number, number>(async (items) => {
      if (fail) {
        fail = false;
        throw new Error('database away');
      }
      return items;
    });
    const failed = [g.submit(1), g.submit(2)];
    for (const p of failed) await assert.rejects(p, /database away/);
    assert.equal(await g.submit(3), 3);
  });
});
