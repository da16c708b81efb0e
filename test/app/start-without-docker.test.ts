import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFn, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';

describe('fnode without a Docker Engine', () => {
  let fnode: TestFnode;
  const saved = process.env['DOCKER_HOST'];

  before(async () => {
    // A socket nobody listens on: this process only (each test file runs in its own process).
    process.env['DOCKER_HOST'] = 'unix:///tmp/fnode-no-docker-here.sock';
    fnode = await startTestFnode();
  });
  after(async () => {
    await fnode?.stop();
    if (saved === undefined) delete process.env['DOCKER_HOST'];
    else process.env['DOCKER_HOST'] = saved;
  });

  it('still serves the control plane', async () => {
    assert.deepEqual((await http(fnode.url, 'GET', '/')).json(), {
      hello: 'world!',
      goto: 'https://github.com/fnproject/fn',
    });
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    assert.equal((await http(fnode.url, 'GET', `/v2/fns/${fnId}`)).status, 200);
  });

  it('answers invocations with a 503 that says how to start Docker', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
    const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '15');
    assert.match(
      res.json<{ message: string }>().message,
      /^Docker is not reachable at .*: start it with scripts\/docker-up\.sh or set DOCKER_HOST$/,
    );
  });
});
