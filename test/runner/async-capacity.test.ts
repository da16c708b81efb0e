import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFn, dockerAvailable, eventually, http, startTestFnode } from '../helpers/fnode.js';
import { finalCall, invokeAsync } from './helpers.js';

const docker = dockerAvailable();
const MiB = 1024 * 1024;

describe('async calls and the memory budget', { skip: !docker && 'Docker is not reachable' }, () => {
  it('async calls that wait for room do not spend their timeout waiting', async () => {
    // Room for one 256 MB container (and 128 MB to spare, which the runner's own rough look at
    // the room counts as more); each call needs most of its 2 s timeout, and the four together
    // twice as long.
    const fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(384 * MiB) });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { memory: 256, timeout: 2 });
      // Warm its container, so that no cold start (slow on a busy machine) eats into a timeout.
      await eventually(
        async () => (await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status === 200 || undefined,
        30_000,
      );
      const ids: string[] = [];
      // Delayed alike, so that all four are due at once.
      for (let i = 0; i < 4; i++)
        ids.push(await invokeAsync(fnode.url, fnId, '1200', { 'Fn-Async-Delay': '1' }));
      const calls = await Promise.all(ids.map((id) => finalCall(fnode.url, fnId, id, 30_000)));
      for (const c of calls) {
        assert.equal(c.status, 'success', `${c.id}: ${c.error ?? ''}`);
        assert.equal(c.runs, 1);
      }
      // They ran one after another on the one container the budget allows.
      assert.equal(fnode.agent?.stats().containers, 1);
      // Meanwhile a sync call of another fn is not starved: it waits its turn for the memory.
      const other = await createFn(fnode.url, 'fnode-test/hello', { memory: 128 });
      // Its cold start (after an eviction) may not fit its 30 s timeout on a loaded machine: retry.
      await eventually(
        async () =>
          (await http(fnode.url, 'POST', `/invoke/${other.fnId}`, '{}')).status === 200 || undefined,
        60_000,
      );
    } finally {
      await fnode.stop();
    }
  });
});
