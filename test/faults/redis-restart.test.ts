import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { deleteRedisKeys, REDIS_URL, redisUnavailable } from '../helpers/databases.js';
import { createFn, dockerAvailable, eventually, http, startTestFnode } from '../helpers/fnode.js';
import { type Call, isFinalStatus } from '../../src/models/index.js';
import { restartRedis } from './services.js';

const docker = dockerAvailable();
const redisDown = await redisUnavailable();
if (redisDown && process.env['CI'] === 'true') throw new Error(redisDown);
const MiB = 1024 * 1024;

describe('Redis restarts under a Redis queue', {
  skip: (!docker && 'Docker is not reachable') || redisDown,
}, () => {
  it('loses no accepted async call, runs none twice, and the runner reconnects by itself', async () => {
    const prefix = `fnode-test:${randomUUID()}:`;
    // Memory for two containers: a backlog waits in the queue while Redis goes away.
    const fnode = await startTestFnode({
      FN_MQ_URL: REDIS_URL,
      FNODE_MQ_REDIS_PREFIX: prefix,
      FN_MAX_TOTAL_MEMORY_BYTES: String(300 * MiB),
    });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await http(fnode.url, 'POST', `/invoke/${fnId}`, '200', { 'fn-invoke-type': 'async' });
        assert.equal(r.status, 202);
        ids.push(r.json<{ call_id: string }>().call_id);
      }
      const get = async (id: string) =>
        (await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}`)).json<Call>();
      await eventually(
        async () =>
          (await Promise.all(ids.map(get))).some((c) => c.status === 'success') ? true : undefined,
        60_000,
      );
      await restartRedis();
      const calls = await eventually(async () => {
        const all = await Promise.all(ids.map(get));
        return all.every((c) => isFinalStatus(c.status)) ? all : undefined;
      }, 90_000);
      for (const c of calls) {
        assert.equal(c.status, 'success', `${c.id}: ${c.error ?? ''}`);
        assert.equal(c.runs, 1, `${c.id} ran ${c.runs} times`);
      }
      // The runner took up its work again: a new call runs.
      const after = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1', { 'fn-invoke-type': 'async' });
      assert.equal(after.status, 202);
      const id = after.json<{ call_id: string }>().call_id;
      const last = await eventually(async () => {
        const c = await get(id);
        return isFinalStatus(c.status) ? c : undefined;
      }, 30_000);
      assert.equal(last.status, 'success');
    } finally {
      await fnode.stop();
      await deleteRedisKeys(prefix).catch(() => {});
    }
  });
});
