import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Call, isFinalStatus } from '../../src/models/index.js';
import { createFn, dockerAvailable, eventually, http, startTestFnode } from '../helpers/fnode.js';
import { startDocker, stopDocker } from './services.js';

const docker = dockerAvailable();

describe('Docker stops and comes back', { skip: !docker && 'Docker is not reachable' }, () => {
  it('fails calls in flight with a 5xx, answers 503 quickly while away, and serves again without a restart', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
      const inFlight = http(fnode.url, 'POST', `/invoke/${fnId}`, '20000');
      const queued = await http(fnode.url, 'POST', `/invoke/${fnId}`, '20000', { 'fn-invoke-type': 'async' });
      assert.equal(queued.status, 202);
      const asyncId = queued.json<{ call_id: string }>().call_id;
      await eventually(() => (fnode.agent?.stats().busy ?? 0) >= 2 || undefined, 30_000);
      try {
        await stopDocker();
        const failed = await inFlight;
        assert.ok(failed.status >= 500, `the call in flight answered ${failed.status}`);
        assert.ok(typeof failed.json().message === 'string');
        // While it is away: a quick 503 that says what to do, whatever the agent held.
        const away = await eventually(async () => {
          const r = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1');
          return r.status === 503 ? r : undefined;
        }, 30_000);
        assert.match(away.json<{ message: string }>().message, /Docker is not reachable/);
        const ready = await http(fnode.url, 'GET', '/health/ready');
        assert.equal(ready.status, 503);
      } finally {
        await startDocker();
      }
      // Back: calls run again, on new containers, without restarting fnode.
      const again = await eventually(async () => {
        const r = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1');
        return r.status === 200 ? r : undefined;
      }, 60_000);
      assert.equal(again.text, 'slept 1');
      // No record stays running: the async call that was running ends (it failed or ran again).
      const call = await eventually(async () => {
        const c = (await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${asyncId}`)).json<Call>();
        return isFinalStatus(c.status) ? c : undefined;
      }, 90_000);
      assert.ok(isFinalStatus(call.status));
      // The agent's books match Docker's again: every container it counts is one that serves.
      await eventually(() => fnode.agent?.stats().busy === 0 || undefined, 30_000);
      const stats = fnode.agent?.stats();
      assert.equal(stats?.memoryUsedBytes, (stats?.containers ?? 0) * 128 * 1024 * 1024);
    } finally {
      await fnode.stop();
    }
  });
});
