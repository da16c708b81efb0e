import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnBatch } from '../../src/queue/turn-batch.js';

describe('TurnBatch', () => {
  it('writes the items of one turn together, in order, at most maxItems a write', async () => {
    const writes: number[][] = [];
    const batch = new TurnBatch<number>(async (items) => {
      writes.push(items);
    }, 4);
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batch.add(n)));
    await batch.add(7);
    assert.deepEqual(writes, [[1, 2, 3, 4], [5, 6], [7]]);
  });

  it('rejects the items of a failed write only, and goes on writing', async () => {
    const batch = new TurnBatch<string>(async (items) => {
      if (items.includes('bad')) throw new Error('write failed');
    }, 2);
    const results = await Promise.allSettled(['a', 'bad', 'c', 'd'].map((s) => batch.add(s)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'fulfilled', 'fulfilled'],
    );
    await batch.add('e');
  });

  it('writes what comes in during a write without waiting for it; idle waits for both', async () => {
    const writes: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const batch = new TurnBatch<string>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await gate;
    }, 100);
    const first = batch.add('a');
    await new Promise((r) => setImmediate(r));
    const later = Promise.all([batch.add('b'), batch.add('c')]);
    let idle = false;
    const idling = batch.idle().then(() => {
      idle = true;
    });
    await later;
    assert.deepEqual(writes, [['a'], ['b', 'c']]);
    assert.equal(idle, false, 'the first write is still under way');
    release();
    await Promise.all([first, idling]);
    await batch.idle();
  });
});
