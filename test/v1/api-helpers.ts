import { v1Api } from '../../src/v1/index.js';
import { startTestServer, type TestServer } from '../server/helpers.js';

/** A server with the v1 API on a fresh SQLite file; `close` removes everything. */
export function startV1Server(): Promise<TestServer> {
  return startTestServer({ pluginsOn: (ds) => [{ plugin: v1Api, options: { datastore: ds } }] });
}
