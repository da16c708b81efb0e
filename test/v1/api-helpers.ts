import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatastore } from '../../src/datastore/index.js';
import { buildServer } from '../../src/server/index.js';
import { v1Api } from '../../src/server/v1/index.js';
import type { TestServer } from '../server/helpers.js';

/** A server with the v1 API on a fresh SQLite file; `close` removes everything. */
export async function startV1Server(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fnode-v1-'));
  const ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
  const app = await buildServer({
    datastore: ds,
    version: '9.9.9-test',
    plugins: [{ plugin: v1Api, options: { datastore: ds } }],
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
