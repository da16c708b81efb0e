import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  callDurationMs,
  formatAgo,
  formatBytes,
  formatMs,
  formatNs,
  formatPercent,
  formatRate,
} from '../../ui/src/format.js';
import {
  annotationsToText,
  configToText,
  mergePatch,
  textToAnnotations,
  textToConfig,
} from '../../ui/src/objects.js';

describe("the dashboard's formatters", () => {
  it('writes durations in the unit that reads best', () => {
    assert.equal(formatMs(undefined), '–');
    assert.equal(formatMs(0.25), '0.25 ms');
    assert.equal(formatMs(850.4), '850 ms');
    assert.equal(formatMs(1250), '1.25 s');
    assert.equal(formatMs(12_345), '12.3 s');
    assert.equal(formatMs(125_000), '2 min 5 s');
    assert.equal(formatNs(17_000_000), '17 ms', 'execution_duration is in nanoseconds');
  });

  it('writes bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(12 * 1024 * 1024), '12 MiB');
    assert.equal(formatBytes(-2048), '-2.0 KiB');
  });

  it('writes rates and shares', () => {
    assert.equal(formatRate(0), '0/s');
    assert.equal(formatRate(2 / 3600), '0.001/s');
    assert.equal(formatRate(2.5), '2.50/s');
    assert.equal(formatRate(250.4), '250/s');
    assert.equal(formatPercent(0), '0 %');
    assert.equal(formatPercent(0.0123), '1.2 %');
    assert.equal(formatPercent(0.5), '50 %');
  });

  it('writes how long ago, never in the future', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(formatAgo(now - 5_000, now), '5 s ago');
    assert.equal(formatAgo(now + 5_000, now), '0 s ago');
    assert.equal(formatAgo(now - 3 * 60_000, now), '3 min ago');
    assert.equal(formatAgo(now - 2 * 3_600_000, now), '2 h ago');
    assert.equal(formatAgo(now - 3 * 86_400_000, now), '3 d ago');
  });

  it("takes a call's duration from execution_duration, else from its times", () => {
    assert.equal(callDurationMs({ execution_duration: 2_500_000 }), 2.5);
    assert.equal(
      callDurationMs({ started_at: '2026-01-01T00:00:00.000Z', completed_at: '2026-01-01T00:00:01.500Z' }),
      1500,
    );
    assert.equal(callDurationMs({ started_at: '2026-01-01T00:00:00.000Z' }), undefined);
  });
});

describe("the edit form's config and annotations text", () => {
  it('reads KEY=value lines, values keeping their = and spaces', () => {
    assert.deepEqual(textToConfig('A=1\n\n B = x=y \n'), { A: '1', B: ' x=y ' });
    assert.equal(configToText({ A: '1', B: 'x=y' }), 'A=1\nB=x=y');
    assert.throws(() => textToConfig('A=1\noops'), /Config line 2 is not KEY=value: "oops"/);
    assert.throws(() => textToConfig('=1'), /line 1/);
  });

  it('reads annotations as a JSON object and says what is wrong otherwise', () => {
    assert.deepEqual(textToAnnotations(''), {});
    assert.deepEqual(textToAnnotations('{"a": {"b": 1}}'), { a: { b: 1 } });
    assert.throws(() => textToAnnotations('{a:1}'), /^Error: Annotations are not valid JSON/);
    assert.throws(() => textToAnnotations('[1]'), /must be a JSON object/);
    assert.equal(annotationsToText({}), '');
    assert.equal(annotationsToText({ a: 1 }), '{\n  "a": 1\n}');
  });

  it('sends removed keys empty, which is how Fn removes them on update', () => {
    assert.deepEqual(mergePatch({ A: '1', B: '2' }, { B: '3', C: '4' }, ''), { A: '', B: '3', C: '4' });
    assert.deepEqual(mergePatch(undefined, { A: '1' }, ''), { A: '1' });
  });
});
