import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { QueueBacklog } from '../../src/queue/index.js';
import { describeEachQueue, until } from './adapters.js';

const LONG_MSECS = 60_000;
const SHORT_MSECS = 300;
/** Redis ages by its own clock (TIME) and both sides round to the ms. */
const CLOCK_SLACK_MSECS = 5;

describeEachQueue('message queue backlog', (ctx) => {
  const backlogWhen = (what: string, ok: (b: QueueBacklog) => boolean) =>
    until(what, async () => {
      const b = await ctx.mq.backlog();
      return ok(b) ? b : undefined;
    });

  /** The age now, with the bounds it must lie in given when the job was pushed. */
  async function ageBetween(pushedAfter: number, pushedBefore: number): Promise<number> {
    const before = Date.now();
    const { oldestReadyAgeMs: age } = await ctx.mq.backlog();
    const after = Date.now();
    assert.ok(age >= before - pushedBefore - CLOCK_SLACK_MSECS, `age ${age} too young`);
    assert.ok(age <= after - pushedAfter + CLOCK_SLACK_MSECS, `age ${age} too old`);
    return age;
  }

  it('is empty on an empty queue', async () => {
    assert.deepEqual(await ctx.mq.backlog(), { ready: 0, delayed: 0, oldestReadyAgeMs: 0 });
  });

  it('counts ready and delayed jobs but not live reservations', async () => {
    const [a, b, later] = [ctx.id('a'), ctx.id('b'), ctx.id('later')];
    await ctx.push(a);
    await ctx.push(b);
    await ctx.push(later, 2, LONG_MSECS);
    assert.deepEqual(
      { ...(await ctx.mq.backlog()), oldestReadyAgeMs: 0 },
      { ready: 2, delayed: 1, oldestReadyAgeMs: 0 },
    );
    const ra = await ctx.mq.reserve(LONG_MSECS);
    assert.equal((await ctx.mq.backlog()).ready, 1);
    const rb = await ctx.mq.reserve(SHORT_MSECS);
    assert.ok(ra && rb);
    const none = await ctx.mq.backlog();
    assert.deepEqual(none, { ready: 0, delayed: 1, oldestReadyAgeMs: 0 }, 'nothing ready, no age');
    const expired = await backlogWhen('the short reservation ran out', (x) => x.ready === 1);
    assert.equal(expired.delayed, 1);
    assert.ok(
      expired.oldestReadyAgeMs >= SHORT_MSECS - CLOCK_SLACK_MSECS,
      `an expired reservation ages from its push, got ${expired.oldestReadyAgeMs}`,
    );
    assert.equal(await ctx.mq.depth(), 2, 'depth is ready + delayed');
    await ctx.mq.delete(ra);
    await ctx.mq.delete(rb);
    await ctx.mq.remove(later);
    assert.deepEqual(await ctx.mq.backlog(), { ready: 0, delayed: 0, oldestReadyAgeMs: 0 });
  });

  it('ages the oldest ready job until it is reserved, whatever the priority of later pushes', async () => {
    const [first, second, urgent] = [ctx.id('first'), ctx.id('second'), ctx.id('urgent')];
    const t0 = Date.now();
    await ctx.push(first, 1);
    const t1 = Date.now();
    await backlogWhen('the first job ages', (x) => x.oldestReadyAgeMs >= 40);
    await ageBetween(t0, t1);
    const t2 = Date.now();
    await ctx.push(second, 0);
    await ctx.push(urgent, 2);
    const t3 = Date.now();
    assert.equal((await ctx.mq.backlog()).ready, 3);
    await ageBetween(t0, t1);
    const [ru, rf] = await ctx.mq.reserveMany(2, LONG_MSECS);
    assert.deepEqual([ru?.job.id, rf?.job.id], [urgent, first]);
    const left = await ageBetween(t2, t3);
    assert.ok(left < Date.now() - t1, 'the age is now the second job');
    await ctx.mq.reserve(LONG_MSECS);
    assert.deepEqual(await ctx.mq.backlog(), { ready: 0, delayed: 0, oldestReadyAgeMs: 0 });
  });

  it('counts a delayed job as ready once due, aged from when it fell due', async () => {
    const id = ctx.id('delayed');
    const t0 = Date.now();
    await ctx.push(id, 1, SHORT_MSECS);
    assert.deepEqual(await ctx.mq.backlog(), { ready: 0, delayed: 1, oldestReadyAgeMs: 0 });
    const due = await backlogWhen('the delay passed', (x) => x.ready === 1);
    assert.equal(due.delayed, 0);
    assert.ok(
      due.oldestReadyAgeMs <= Date.now() - (t0 + SHORT_MSECS) + CLOCK_SLACK_MSECS,
      `aged from its due time, got ${due.oldestReadyAgeMs}`,
    );
    const r = await ctx.mq.reserve(LONG_MSECS);
    assert.equal(r?.job.id, id);
    assert.deepEqual(await ctx.mq.backlog(), { ready: 0, delayed: 0, oldestReadyAgeMs: 0 });
  });
});
