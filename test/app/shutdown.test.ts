import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { startFnode } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createDatastore } from '../../src/datastore/index.js';
import { containersOf, createFn, dockerAvailable, eventually, http } from '../helpers/fnode.js';

const docker = dockerAvailable();

describe('a clean stop', { skip: !docker && 'Docker is not reachable' }, () => {
  it('lets running calls finish, answers new requests 503, starts no async call due meanwhile, removes its containers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-stop-'));
    const tag = `fnode-test-${randomUUID().slice(0, 8)}`;
    const dbUrl = `sqlite3://${join(dir, 'fn.db')}`;
    const config = loadConfig(
      {
        FN_PORT: '0',
        FNODE_AUTH: 'off',
        FN_DB_URL: dbUrl,
        FN_DOCKER_NETWORKS: 'none',
        FN_CONTAINER_LABEL_TAG: tag,
        FN_HOT_START_TIMEOUT_MSECS: '30000',
      },
      dir,
    );
    const fnode = await startFnode({ config, logger: pino({ level: 'silent' }), host: '127.0.0.1' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep');
      // A hot container first, so that the running call below starts at once.
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
      const running = http(fnode.url, 'POST', `/invoke/${fnId}`, '2000');
      await eventually(() => (fnode.agent?.stats().busy ?? 0) > 0 || undefined);
      const delayed = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1', {
        'fn-invoke-type': 'async',
        'fn-async-delay': '1',
      });
      assert.equal(delayed.status, 202);
      const callId = delayed.json<{ call_id: string }>().call_id;

      const closed = fnode.close();
      const refused = await eventually(async () => {
        const r = await http(fnode.url, 'GET', '/v2/apps');
        return r.status === 503 ? r : undefined;
      });
      assert.deepEqual(refused.json(), {
        message: 'Server is shutting down: retry on another node or after its restart',
      });
      assert.equal(refused.headers['retry-after'], '5');
      const answer = await running;
      assert.deepEqual([answer.status, answer.text], [200, 'slept 2000']);
      await closed;
      assert.deepEqual(containersOf(tag), [], 'its containers are removed');

      const ds = await createDatastore(dbUrl);
      try {
        const call = await ds.getCallById(callId);
        assert.ok(['delayed', 'queued'].includes(call.status), `the due call did not start: ${call.status}`);
        assert.equal(call.runs ?? 0, 0);
      } finally {
        await ds.close();
      }
    } finally {
      await fnode.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
