import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFn, dockerAvailable, http, startTestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();
const MiB = 1024 * 1024;

describe('overload (FNODE_MAX_WAITING_CALLS)', { skip: !docker && 'Docker is not reachable' }, () => {
  it('refuses calls beyond the bound at once with 503 and Retry-After, and serves the others', async () => {
    // Memory for one container only: every other call waits for it.
    const fnode = await startTestFnode({
      FN_MAX_TOTAL_MEMORY_BYTES: String(200 * MiB),
      FNODE_MAX_WAITING_CALLS: '2',
    });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep');
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
      const started = Date.now();
      const flood = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const r = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1000');
          return { r, ms: Date.now() - started };
        }),
      );
      const ok = flood.filter((f) => f.r.status === 200);
      const busy = flood.filter((f) => f.r.status === 503);
      assert.equal(ok.length + busy.length, 10, `statuses: ${flood.map((f) => f.r.status).join(',')}`);
      assert.equal(ok.length, 3, 'one running and two waiting');
      for (const b of busy) {
        assert.deepEqual(b.r.json(), { message: 'Timed out - server too busy' });
        assert.equal(b.r.headers['retry-after'], '15');
      }
      // Refused at once: before the first accepted call (a whole second) could end.
      const firstOk = Math.min(...ok.map((f) => f.ms));
      for (const b of busy) assert.ok(b.ms < firstOk, `a refusal took ${b.ms} ms`);
      const metrics = (await http(fnode.url, 'GET', '/metrics')).text;
      assert.match(metrics, /^fn_server_busy 7$/m);
    } finally {
      await fnode.stop();
    }
  });
});
