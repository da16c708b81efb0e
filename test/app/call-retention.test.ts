import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();

describe('a server removes calls past FNODE_CALL_RETENTION_SECS', {
  skip: !docker && 'Docker unreachable',
}, () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode({ FNODE_CALL_RETENTION_SECS: '3' });
  });
  after(() => fnode?.stop());

  it('with their logs, in the background, while it keeps serving', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/logs');
    // Warm: the call to watch then lives its 3 s as a record, not in a cold start.
    assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
    const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, 'hello');
    assert.equal(res.status, 200, res.text);
    const callId = String(res.headers['fn-call-id']);
    const log = await eventually(async () => {
      const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`);
      return r.status === 200 && r.json<{ log: string }>().log !== '' ? r : undefined;
    });
    assert.equal(log.status, 200);

    await eventually(async () => {
      const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      return r.status === 404 ? r : undefined;
    }, 30_000);
    assert.equal((await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`)).status, 404);
    const again = await http(fnode.url, 'POST', `/invoke/${fnId}`, 'hello');
    assert.equal(again.status, 200);
  });
});
