import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callsRoutes } from '../../src/calls/index.js';
import { send, startTestServer, type TestServer } from '../server/helpers.js';

/** The calls API alone on a fresh SQLite file: its answers need no containers. */
function startCallsServer(): Promise<TestServer> {
  return startTestServer({ pluginsOn: (ds) => [{ plugin: callsRoutes, options: { datastore: ds } }] });
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
