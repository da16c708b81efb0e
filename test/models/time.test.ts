import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTime, formatTimeSeconds } from '../../src/models/index.js';

describe('formatTime', () => {
  it('writes what toISOString writes, for any millisecond and across minutes', () => {
    const samples = [0, 1, 999, 1000, 59_999, 60_000, 1_700_000_000_000, 253_402_300_799_999];
    for (let i = 0; i < 10_000; i++) samples.push(Math.floor(Math.random() * 253_402_300_800_000));
    // The same minute again and again, then the next: the cached prefix must follow.
    for (let ms = 1_700_000_059_990; ms < 1_700_000_060_010; ms++) samples.push(ms);
    for (const ms of samples) {
      assert.equal(formatTime(ms), new Date(ms).toISOString(), String(ms));
      assert.equal(formatTime(new Date(ms)), new Date(ms).toISOString(), String(ms));
    }
  });

  it('falls back to toISOString for times it does not cache (six-digit years, negative, fractions)', () => {
    for (const ms of [253_402_300_800_000, -1, -62_135_596_800_000, 1.5]) {
      assert.equal(formatTime(ms), new Date(ms).toISOString());
    }
    assert.throws(() => formatTime(Number.NaN), RangeError);
  });

  it('formatTimeSeconds drops the milliseconds (Fn-Deadline)', () => {
    assert.equal(formatTimeSeconds(1_700_000_000_999), '2023-11-14T22:13:20Z');
    assert.equal(formatTimeSeconds(1_700_000_001_000), '2023-11-14T22:13:21Z');
    for (let i = 0; i < 1000; i++) {
      const ms = Math.floor(Math.random() * 253_402_300_800_000);
      assert.equal(formatTimeSeconds(ms), new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }
  });
});
