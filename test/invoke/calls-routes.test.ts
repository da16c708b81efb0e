import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatastore } from '../../src/datastore/index.js';
import { callsRoutes } from '../../src/invoke/index.js';
import { buildServer } from '../../src/server/index.js';
import { send, type TestServer } from '../server/helpers.js';

/** The calls API alone on a fresh SQLite file: its answers need no containers. */
async function startCallsServer(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fnode-calls-'));
  const ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
  const app = await buildServer({
    datastore: ds,
    version: '9.9.9-test',
    plugins: [{ plugin: callsRoutes, options: { datastore: ds } }],
  });
  await app.ready();
  return {
    app,
    ds,
    close: async () => {
      await app.close();
      await ds.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('/v2/fns/{fn_id}/calls', () => {
  let s: TestServer;
  before(async () => {
    s = await startCallsServer();
  });
  after(() => s.close());

  it('answers 400 Missing Fn ID for an empty fn id, listing calls or getting a call or its log', async () => {
    for (const url of [
      '/v2/fns//calls',
      '/v2/fns//calls?per_page=5',
      '/v2/fns//calls/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      '/v2/fns//calls/01ARZ3NDEKTSV4RRFFQ69G5FAV/log',
    ]) {
      const res = await send(s.app, 'GET', url);
      assert.deepEqual([res.status, res.body], [400, { message: 'Missing Fn ID' }], url);
    }
  });
});
