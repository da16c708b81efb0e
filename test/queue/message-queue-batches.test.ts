import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MessageQueue, Reservation } from '../../src/queue/index.js';
import { describeEachQueue, until } from './adapters.js';

/** Long enough that no test sees it run out. */
const LONG_MSECS = 60_000;
const SHORT_MSECS = 300;

describeEachQueue('message queue batches', (ctx) => {
  /** Reserves from `mq` as soon as a job shows again (a reservation ran out). */
  const reserveAgain = (mq: MessageQueue, max = 10) =>
    until('a job visible again', async () => {
      const got = await mq.reserveMany(max, LONG_MSECS);
      return got.length > 0 ? got : undefined;
    });

  it('reserveMany takes at most max jobs, priority first then push order', async () => {
    const [low, mid1, high, mid2, high2] = ['low', 'mid1', 'high', 'mid2', 'high2'].map((l) => ctx.id(l));
    await ctx.push(low!, 0);
    await ctx.push(mid1!, 1);
    await ctx.push(high!, 2);
    await ctx.push(mid2!, 1);
    await ctx.push(high2!, 2);
    const first = await ctx.mq.reserveMany(3, LONG_MSECS);
    assert.deepEqual(
      first.map((r) => [r.job.id, r.job.priority, r.reservations]),
      [
        [high, 2, 1],
        [high2, 2, 1],
        [mid1, 1, 1],
      ],
    );
    const rest = await ctx.mq.reserveMany(10, LONG_MSECS);
    assert.deepEqual(
      rest.map((r) => r.job.id),
      [mid2, low],
    );
    assert.deepEqual(await ctx.mq.reserveMany(10, LONG_MSECS), []);
    const tokens = new Set([...first, ...rest].map((r) => r.token));
    assert.equal(tokens.size, 5, 'each reservation has a token of its own');
    assert.deepEqual(await ctx.mq.deleteMany([...first, ...rest]), []);
    assert.equal(await ctx.mq.depth(), 0);
  });

  it('never gives a job to two queues reserving many at once on the same storage', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => ctx.id(`m${i}`));
    await Promise.all(ids.map((id, i) => ctx.push(id, i % 3)));
    const other = await ctx.another();
    const seen: string[] = [];
    const drain = async (mq: MessageQueue) => {
      for (;;) {
        const got = await mq.reserveMany(7, LONG_MSECS);
        if (got.length === 0) {
          // Empty can be momentary: on MariaDB a reserve skips every row another one has locked
          // while it sorts. Done only when no job is left.
          if ((await mq.depth()) === 0) return;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        assert.ok(got.length <= 7);
        seen.push(...got.map((r) => r.job.id));
        assert.deepEqual(await mq.deleteMany(got), []);
      }
    };
    await Promise.all([drain(ctx.mq), drain(other), drain(ctx.mq), drain(other)]);
    assert.equal(seen.length, ids.length, 'deliveries');
    assert.deepEqual([...seen].sort(), [...ids].sort());
    assert.equal(await ctx.mq.depth(), 0);
  });

  it('extends and deletes each reservation of a batch on its own', async () => {
    const ids = [ctx.id('a'), ctx.id('b'), ctx.id('c')];
    for (const id of ids) await ctx.push(id);
    const [ra, rb, rc] = await ctx.mq.reserveMany(3, SHORT_MSECS);
    assert.ok(ra && rb && rc);
    assert.equal(await ctx.mq.extend(ra, LONG_MSECS), true);
    await ctx.mq.delete(rb);
    const again = await reserveAgain(ctx.mq);
    assert.deepEqual(
      again.map((r) => [r.job.id, r.reservations]),
      [[rc.job.id, 2]],
      'only the reservation neither extended nor deleted ran out',
    );
    assert.equal(await ctx.mq.extend(rc, LONG_MSECS), false, 'a stale token of the batch');
    assert.equal(await ctx.mq.extend(ra, LONG_MSECS), true, 'its sibling is still held');
    assert.deepEqual(await ctx.mq.deleteMany([ra, again[0]!]), []);
    assert.equal(await ctx.mq.depth(), 0);
  });

  it('deleteMany acknowledges what it holds and reports a job re-reserved after it ran out', async () => {
    const [a, b, c] = [ctx.id('a'), ctx.id('b'), ctx.id('c')];
    for (const id of [a, b, c]) await ctx.push(id);
    const held = await ctx.mq.reserveMany(2, LONG_MSECS);
    const stale = await ctx.mq.reserve(SHORT_MSECS);
    assert.ok(stale);
    assert.equal(stale.job.id, c);
    const [fresh] = await reserveAgain(await ctx.another());
    assert.ok(fresh);
    assert.equal(fresh.job.id, c);
    assert.deepEqual(await ctx.mq.deleteMany([...held, stale]), [c]);
    assert.deepEqual(await ctx.mq.reserveMany(10, LONG_MSECS), [], 'acknowledged jobs never come back');
    assert.equal(await ctx.mq.extend(fresh, LONG_MSECS), true, 'the newer reservation is untouched');
    assert.deepEqual(await ctx.mq.deleteMany([fresh]), []);
    const gone: Reservation = { job: { id: ctx.id('never'), priority: 1 }, token: 'nope', reservations: 1 };
    assert.deepEqual(await ctx.mq.deleteMany([...held, fresh, gone]), [], 'jobs gone count as acknowledged');
    assert.deepEqual(await ctx.mq.deleteMany([]), []);
  });

  it('keeps the order of a burst of pushes made at once, the first push of an id winning', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => ctx.id(`burst${i}`));
    const priorityOf = (i: number) => i % 3;
    await Promise.all([
      ...ids.map((id, i) => ctx.push(id, priorityOf(i))),
      ctx.push(ids[0]!, 2),
      ctx.push(ids[1]!, 0, 60_000),
    ]);
    assert.deepEqual(await ctx.mq.backlog().then((b) => [b.ready, b.delayed]), [30, 0]);
    const got = await ctx.mq.reserveMany(100, LONG_MSECS);
    const expected = ids
      .map((id, i) => ({ id, priority: priorityOf(i), i }))
      .sort((a, b) => b.priority - a.priority || a.i - b.i)
      .map((j) => [j.id, j.priority]);
    assert.deepEqual(
      got.map((r) => [r.job.id, r.job.priority]),
      expected,
    );
    assert.deepEqual(await ctx.mq.deleteMany(got), []);
  });

  it('reserves and acknowledges a batch larger than a statement takes in one go', async () => {
    const ids = Array.from({ length: 1100 }, (_, i) => ctx.id(`big${i}`));
    await Promise.all(ids.map((id) => ctx.push(id)));
    const got = await ctx.mq.reserveMany(ids.length, LONG_MSECS);
    assert.equal(got.length, ids.length);
    assert.deepEqual(await ctx.mq.deleteMany(got), []);
    assert.equal(await ctx.mq.depth(), 0);
  });

  it('reserve takes the same head as reserveMany(1)', async () => {
    const [a, b] = [ctx.id('a'), ctx.id('b')];
    await ctx.push(a, 0);
    await ctx.push(b, 1);
    const [one] = await ctx.mq.reserveMany(1, LONG_MSECS);
    assert.equal(one?.job.id, b);
    const next = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(next?.job.id, a);
    await ctx.mq.deleteMany([one!, next!]);
  });

  it('rejects a bad reserve count', async () => {
    await assert.rejects(ctx.mq.reserveMany(0, LONG_MSECS), RangeError);
    await assert.rejects(ctx.mq.reserveMany(1.5, LONG_MSECS), RangeError);
    await assert.rejects(ctx.mq.reserveMany(1, 0), RangeError);
  });
});
