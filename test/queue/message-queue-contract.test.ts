import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Reservation, ReservationLostError } from '../../src/queue/index.js';
import { describeEachQueue, sleep, until } from './adapters.js';

/** Long enough that no test sees it run out. */
const LONG_MSECS = 60_000;
/** Short visibilities and delays. */
const SHORT_MSECS = 300;
/**
 * A wait past a short deadline. Such a wait is a lower bound: a slow machine only lengthens it,
 * which these tests allow; where polling gives the same answer, the tests poll instead.
 */
const PAST_SHORT_MSECS = SHORT_MSECS + 150;

describeEachQueue('message queue contract', (ctx) => {
  async function reserveIds(n: number, visibilityMs = LONG_MSECS): Promise<Reservation[]> {
    const out: Reservation[] = [];
    for (let i = 0; i < n; i++) {
      const r = await ctx.mq.reserve(visibilityMs);
      assert.ok(r, `reservation ${i + 1} of ${n} found no job`);
      out.push(r);
    }
    return out;
  }

  it('starts empty: reserve resolves undefined and depth is 0', async () => {
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined);
    assert.equal(await ctx.mq.depth(), 0);
  });

  it('is FIFO within a priority', async () => {
    const ids = [ctx.id('a'), ctx.id('b'), ctx.id('c'), ctx.id('d')];
    for (const id of ids) await ctx.push(id, 1);
    const got = await reserveIds(4);
    assert.deepEqual(
      got.map((r) => r.job.id),
      ids,
    );
    for (const r of got) {
      assert.equal(r.job.priority, 1);
      assert.equal(r.reservations, 1);
      await ctx.mq.delete(r);
    }
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined);
  });

  it('reserves priority 2 before 1 before 0, FIFO within each', async () => {
    const low1 = ctx.id('low1');
    const mid = ctx.id('mid');
    const high1 = ctx.id('high1');
    const low2 = ctx.id('low2');
    const high2 = ctx.id('high2');
    await ctx.push(low1, 0);
    await ctx.push(mid, 1);
    await ctx.push(high1, 2);
    await ctx.push(low2, 0);
    await ctx.push(high2, 2);
    const got = await reserveIds(5);
    assert.deepEqual(
      got.map((r) => [r.job.id, r.job.priority]),
      [
        [high1, 2],
        [high2, 2],
        [mid, 1],
        [low1, 0],
        [low2, 0],
      ],
    );
    for (const r of got) await ctx.mq.delete(r);
  });

  it('hides a delayed job until its delay has passed, without holding up others', async () => {
    const later = ctx.id('later');
    const now = ctx.id('now');
    await ctx.push(later, 2, SHORT_MSECS);
    await ctx.push(now, 0);
    assert.equal(await ctx.mq.depth(), 2, 'delayed jobs count in depth');
    const first = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(first?.job.id, now);
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined, 'visible before its delay');
    const second = await until('the delayed job', () => ctx.mq.reserve(LONG_MSECS));
    assert.equal(second?.job.id, later);
    await ctx.mq.delete(first!);
    await ctx.mq.delete(second!);
  });

  it('puts a timed-out reservation back ahead of later pushes (seed 003: [A, B, C] -> [A, C])', async () => {
    const [a, b, c] = [ctx.id('A'), ctx.id('B'), ctx.id('C')];
    for (const id of [a, b, c]) await ctx.push(id, 1);
    const ra = await ctx.mq.reserve(SHORT_MSECS);
    assert.equal(ra?.job.id, a);
    const rb = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(rb?.job.id, b);
    await ctx.mq.delete(rb!);
    await sleep(PAST_SHORT_MSECS);
    const again = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(again?.job.id, a, 'A comes back first');
    assert.equal(again?.reservations, 2);
    assert.notEqual(again?.token, ra?.token);
    const rc = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(rc?.job.id, c);
    await ctx.mq.delete(again!);
    await ctx.mq.delete(rc!);
  });

  it('delete acknowledges: the job never comes back', async () => {
    const id = ctx.id();
    await ctx.push(id);
    const r = await ctx.mq.reserve(100);
    assert.ok(r);
    await ctx.mq.delete(r);
    assert.equal(await ctx.mq.depth(), 0);
    await sleep(150);
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined);
    await ctx.mq.delete(r); // again: the job no longer exists, so it succeeds
  });

  it('rejects a delete (and an extend) with a stale token once the job was re-reserved', async () => {
    const id = ctx.id();
    await ctx.push(id);
    const stale = await ctx.mq.reserve(SHORT_MSECS);
    assert.ok(stale);
    const fresh = await until('the job visible again', () => ctx.mq.reserve(LONG_MSECS));
    assert.equal(fresh?.job.id, id);
    assert.equal(fresh?.reservations, 2);
    await assert.rejects(ctx.mq.delete(stale), (err: unknown) => {
      assert.ok(err instanceof ReservationLostError, `expected ReservationLostError, got ${String(err)}`);
      assert.match(err.message, /reservation lost/);
      assert.equal(err.jobId, id);
      return true;
    });
    assert.equal(await ctx.mq.extend(stale, LONG_MSECS), false);
    await ctx.mq.delete(fresh!);
    assert.equal(await ctx.mq.remove(id), false);
  });

  it('deletes a job that has vanished (or never existed) without error', async () => {
    const id = ctx.id();
    await ctx.push(id);
    const r = await ctx.mq.reserve(LONG_MSECS);
    assert.ok(r);
    assert.equal(await ctx.mq.remove(id), true);
    await ctx.mq.delete(r);
    await ctx.mq.delete({ job: { id: ctx.id('never'), priority: 1 }, token: 'nope', reservations: 1 });
  });

  it('extend keeps a reservation hidden past its first deadline', async () => {
    const id = ctx.id();
    await ctx.push(id);
    // A reservation of 1 s extended at once: a stall of most of a second before the extend
    // still finds it held; the wait then passes its first deadline.
    const r = await ctx.mq.reserve(1000);
    assert.ok(r);
    assert.equal(await ctx.mq.extend(r, 4000), true);
    await sleep(1100);
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined, 'visible again despite extend');
    assert.equal(await ctx.mq.depth(), 0);
    await ctx.mq.delete(r);
    assert.equal(await ctx.mq.extend(r, LONG_MSECS), false, 'extend of a deleted job');
  });

  it('ignores a push of an id already queued, delayed or reserved', async () => {
    const id = ctx.id();
    await ctx.push(id, 1);
    await ctx.push(id, 2);
    await ctx.push(id, 0, SHORT_MSECS);
    assert.equal(await ctx.mq.depth(), 1);
    const r = await ctx.mq.reserve(LONG_MSECS);
    assert.deepEqual(r?.job, { id, priority: 1 });
    await ctx.push(id, 1);
    assert.equal(await ctx.mq.depth(), 0, 'a push while reserved is a no-op');
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined);
    await ctx.mq.delete(r!);
    await ctx.push(id, 1);
    assert.equal(await ctx.mq.depth(), 1, 'once deleted, the id can be queued again');
  });

  it('removes a job whatever its state', async () => {
    const [queued, delayed, reserved] = [ctx.id('q'), ctx.id('d'), ctx.id('r')];
    await ctx.push(reserved, 2);
    await ctx.push(queued, 1);
    await ctx.push(delayed, 1, LONG_MSECS);
    const r = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(r?.job.id, reserved);
    for (const id of [queued, delayed, reserved]) assert.equal(await ctx.mq.remove(id), true, id);
    for (const id of [queued, delayed, reserved]) assert.equal(await ctx.mq.remove(id), false, id);
    assert.equal(await ctx.mq.depth(), 0);
    assert.equal(await ctx.mq.reserve(LONG_MSECS), undefined);
  });

  it('depth counts queued and delayed jobs and expired reservations, not live ones', async () => {
    for (const id of [ctx.id(), ctx.id()]) await ctx.push(id);
    await ctx.push(ctx.id('delayed'), 1, LONG_MSECS);
    assert.equal(await ctx.mq.depth(), 3);
    const long = await ctx.mq.reserve(LONG_MSECS);
    assert.ok(long);
    assert.equal(await ctx.mq.depth(), 2);
    const short = await ctx.mq.reserve(SHORT_MSECS);
    assert.ok(short);
    assert.equal(await ctx.mq.depth(), 1);
    // an expired reservation is queued again
    await until('the expired reservation queued again', async () =>
      (await ctx.mq.depth()) === 2 ? true : undefined,
    );
    await ctx.mq.delete(long);
    assert.equal(await ctx.mq.depth(), 2);
  });

  it('delivers each of 200 jobs exactly once to 8 concurrent reservers', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => ctx.id(`c${i}`));
    await Promise.all(ids.map((id, i) => ctx.push(id, i % 3)));
    const seen: string[] = [];
    const reserver = async () => {
      for (;;) {
        const r = await ctx.mq.reserve(LONG_MSECS);
        if (!r) return;
        seen.push(r.job.id);
        await ctx.mq.delete(r);
      }
    };
    await Promise.all(Array.from({ length: 8 }, reserver));
    assert.equal(seen.length, 200, 'deliveries');
    assert.deepEqual([...seen].sort(), [...ids].sort());
    assert.equal(await ctx.mq.depth(), 0);
  });

  it('keeps queued and unacknowledged jobs across close and reopen', async () => {
    const [kept, held, later] = [ctx.id('kept'), ctx.id('held'), ctx.id('later')];
    await ctx.push(held, 2);
    await ctx.push(kept, 1);
    await ctx.push(later, 0, SHORT_MSECS);
    // Long enough to outlive a reopen on a loaded machine: the depth below counts it as live.
    const heldMsecs = 3000;
    const r = await ctx.mq.reserve(heldMsecs);
    assert.equal(r?.job.id, held);
    const mq = await ctx.reopen();
    assert.equal(await mq.depth(), 2);
    await sleep(heldMsecs + 150);
    const got: Reservation[] = [];
    for (let r2 = await mq.reserve(LONG_MSECS); r2; r2 = await mq.reserve(LONG_MSECS)) got.push(r2);
    assert.deepEqual(
      got.map((x) => [x.job.id, x.reservations]),
      [
        [held, 2],
        [kept, 1],
        [later, 1],
      ],
    );
    for (const x of got) await mq.delete(x);
  });

  it('rejects a bad priority, delay or visibility', async () => {
    await assert.rejects(ctx.mq.push({ id: ctx.id(), priority: 3 }), RangeError);
    await assert.rejects(ctx.mq.push({ id: ctx.id(), priority: 1.5 }), RangeError);
    await assert.rejects(ctx.mq.push({ id: ctx.id(), priority: 1 }, -1), RangeError);
    await assert.rejects(ctx.mq.push({ id: '', priority: 1 }), RangeError);
    await assert.rejects(ctx.mq.reserve(0), RangeError);
    assert.equal(await ctx.mq.depth(), 0);
  });
});
