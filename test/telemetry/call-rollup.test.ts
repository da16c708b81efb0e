import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallRollup, DURATION_BOUNDS_MS, percentileMs } from '../../src/telemetry/index.js';

const fnA = { appId: 'app1', appName: 'one', fnId: 'fnA', fnName: 'a' };
const fnB = { appId: 'app1', appName: 'one', fnId: 'fnB', fnName: 'b' };
const fnC = { appId: 'app2', appName: 'two', fnId: 'fnC', fnName: 'c' };

/** A rollup on a clock the test moves. */
function rollupAt(start = Date.parse('2026-01-01T10:00:30Z')) {
  const clock = { now: start };
  return { clock, rollup: new CallRollup(() => clock.now) };
}

describe('the last hour of calls (the overview)', () => {
  it('computes percentiles from the duration histogram, within the bucket holding them', () => {
    const hist = new Array(DURATION_BOUNDS_MS.length + 1).fill(0);
    assert.equal(percentileMs(hist, 0.5), null, 'no calls, no duration');
    // 100 calls in (10, 20] ms.
    hist[DURATION_BOUNDS_MS.indexOf(20)] = 100;
    assert.equal(percentileMs(hist, 0.5), 15);
    assert.equal(percentileMs(hist, 0.99), 19.9);
    // One slow call in (1000, 2000]: p99 still in the fast bucket, p100 in the slow one.
    hist[DURATION_BOUNDS_MS.indexOf(2000)] = 1;
    assert.ok(percentileMs(hist, 0.99)! <= 20);
    assert.equal(percentileMs(hist, 1), 2000);
    // Longer than the last bound: reported as the last bound.
    const over = new Array(DURATION_BOUNDS_MS.length + 1).fill(0);
    over[DURATION_BOUNDS_MS.length] = 3;
    assert.equal(percentileMs(over, 0.5), DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1]);
  });

  it('counts calls and errors per fn and per app, busiest first', () => {
    const { rollup } = rollupAt();
    for (let i = 0; i < 3; i++) rollup.record(fnA, false, 15);
    rollup.record(fnB, true, 150);
    rollup.record(fnC, false, undefined);
    const s = rollup.snapshot();
    assert.equal(s.totals.calls, 5);
    assert.equal(s.totals.errors, 1);
    assert.equal(s.totals.error_rate, 0.2);
    assert.deepEqual(
      s.fns.map((f) => [f.fn_name, f.calls, f.errors]),
      [
        ['a', 3, 0],
        ['b', 1, 1],
        ['c', 1, 0],
      ],
    );
    assert.equal(s.fns[0]!.p50_ms, 15);
    assert.equal(s.fns[1]!.p99_ms, 150, "one call of 150 ms: not its bucket's interpolation (199 ms)");
    assert.equal(s.fns[2]!.p50_ms, null, 'a call that never ran has no duration');
    assert.deepEqual(s.apps.map((a) => [a.app_name, a.calls, a.errors]).sort(), [
      ['one', 4, 1],
      ['two', 1, 0],
    ]);
    assert.equal(s.minutes.length, 60);
    assert.equal(s.minutes[59]!.calls, 5, 'all in the current minute');
    assert.ok(s.totals.calls_per_sec > 0 && s.totals.calls_per_sec < 5 / 3540);
  });

  it('filters by app and by fn', () => {
    const { rollup } = rollupAt();
    rollup.record(fnA, false, 1);
    rollup.record(fnC, false, 1);
    assert.deepEqual(
      rollup.snapshot({ appId: 'app2' }).fns.map((f) => f.fn_id),
      ['fnC'],
    );
    assert.deepEqual(
      rollup.snapshot({ fnId: 'fnA' }).fns.map((f) => f.fn_id),
      ['fnA'],
    );
    assert.equal(rollup.snapshot({ fnId: 'unknown' }).totals.calls, 0);
  });

  it('keeps an hour, minute by minute, and forgets older minutes and idle fns', () => {
    const { clock, rollup } = rollupAt();
    rollup.record(fnA, false, 5);
    clock.now += 60_000;
    rollup.record(fnA, true, 5);
    rollup.record(fnA, true, 5);
    let s = rollup.snapshot();
    assert.deepEqual(
      s.minutes.slice(-2).map((m) => [m.calls, m.errors]),
      [
        [1, 0],
        [2, 2],
      ],
    );
    // 59 minutes later the first minute has left the hour; the second is the oldest.
    clock.now += 59 * 60_000;
    s = rollup.snapshot();
    assert.equal(s.totals.calls, 2);
    assert.deepEqual([s.minutes[0]!.calls, s.minutes[0]!.errors], [2, 2]);
    // A slot reused an hour later starts from zero.
    rollup.record(fnA, false, 5);
    assert.equal(rollup.snapshot().minutes[59]!.calls, 1);
    clock.now += 61 * 60_000;
    s = rollup.snapshot();
    assert.equal(s.totals.calls, 0);
    assert.deepEqual(s.fns, [], 'a fn without calls nor containers in the hour is forgotten');
  });

  it('counts hot containers now and the most seen in each minute', () => {
    const { clock, rollup } = rollupAt();
    rollup.hot(fnA, 1);
    rollup.hot(fnA, 1);
    rollup.hot(fnA, -1);
    let s = rollup.snapshot();
    assert.equal(s.totals.hot_containers, 1);
    assert.equal(s.minutes[59]!.hot_containers, 2, 'two were up at once this minute');
    clock.now += 60_000;
    s = rollup.snapshot();
    assert.equal(s.fns[0]!.hot_containers, 1, 'still up: the fn is kept');
    rollup.hot(fnA, -1);
    rollup.hot(fnA, -1);
    assert.equal(rollup.snapshot().totals.hot_containers, 0, 'never below zero');
  });
});
