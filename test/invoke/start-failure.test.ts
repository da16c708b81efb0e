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
const PREFIX =
  'Container failed to initialize, please ensure you are using the latest fdk and check the logs';

async function logOf(base: string, fnId: string, callId: string): Promise<string> {
  const log = await eventually(async () => {
    const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`);
    return r.status === 200 ? r.json<{ log: string }>() : undefined;
  });
  return log.log;
}

describe('a container that fails to start', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode();
  });
  after(() => fnode.stop());

  it('answers 502 with what Docker refused, and the call log holds it', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/no-command');
    const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
    assert.equal(res.status, 502);
    assert.deepEqual(res.json(), { message: `${PREFIX}: No command specified` });
    const log = await logOf(fnode.url, fnId, String(res.headers['fn-call-id']));
    assert.match(log, /No command specified/);
  });

  it('answers 502 with the exit code and the last line of a process that died before its socket was up', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/start-crash');
    const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
    assert.equal(res.status, 502);
    assert.deepEqual(res.json(), {
      message: `${PREFIX}: container exit code 3: reading config: ENOENT /function/config.json`,
    });
    const log = await logOf(fnode.url, fnId, String(res.headers['fn-call-id']));
    assert.match(log, /reading config: ENOENT \/function\/config\.json/);
  });
});
