import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFn, dockerAvailable, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();

describe('HTTP triggers /t/{app}/{source} on real containers', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  let fnode: TestFnode;
  let appName: string;
  let fnId: string;

  before(async () => {
    fnode = await startTestFnode();
    const created = await createFn(fnode.url, 'fnode-test/headers');
    appName = created.appName;
    fnId = created.fnId;
    for (const [name, source] of [
      ['echo', '/echo'],
      ['root', '/'],
      ['deep', '/a/b/c'],
    ] as const) {
      const res = await http(fnode.url, 'POST', '/v2/triggers', {
        app_id: created.appId,
        fn_id: fnId,
        name,
        type: 'http',
        source,
      });
      assert.equal(res.status, 200, res.text);
    }
  });
  after(async () => {
    await fnode?.stop();
  });

  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    it(`passes a ${method} to the function with Fn's trigger headers`, async () => {
      const body = method === 'GET' || method === 'OPTIONS' ? undefined : 'payload';
      const res = await http(fnode.url, method, `/t/${appName}/echo?q=1`, body, {
        'X-Custom': 'yes',
        'content-type': 'text/plain',
      });
      assert.equal(res.status, 200, res.text);
      const seen = res.json<{
        method: string;
        requestURL: string;
        headers: Record<string, string[]>;
        body: string;
      }>();
      assert.equal(seen.method, method);
      assert.match(seen.requestURL, new RegExp(`/t/${appName}/echo\\?q=1$`));
      assert.deepEqual(seen.headers['Fn-Intent'], ['httprequest']);
      assert.deepEqual(seen.headers['Fn-Http-H-X-Custom'], ['yes']);
      assert.deepEqual(seen.headers['Content-Type'], ['text/plain']);
      if (body) assert.equal(seen.body, body);
    });
  }

  it('maps Fn-Http-Status and Fn-Http-H-* to the response and drops other function headers', async () => {
    const res = await http(fnode.url, 'POST', `/t/${appName}/echo`, {
      status: 418,
      headers: { 'X-Foo': 'bar' },
    });
    assert.equal(res.status, 418);
    assert.equal(res.headers['x-foo'], 'bar');
    assert.equal(res.headers['x-plain'], undefined);
    assert.equal(res.headers['fn-fdk-version'], undefined);
    assert.match(String(res.headers['fn-call-id']), /^[0-9A-Z]{26}$/);
  });

  it('on /invoke the same function answers 200 with its raw headers', async () => {
    const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, {
      status: 418,
      headers: { 'X-Foo': 'bar' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['fn-http-status'], '418');
    assert.equal(res.headers['x-plain'], '1');
  });

  it('matches sources exactly: the app root and nested paths', async () => {
    assert.equal((await http(fnode.url, 'GET', `/t/${appName}`)).status, 200);
    assert.equal((await http(fnode.url, 'GET', `/t/${appName}/a/b/c`)).status, 200);
    const miss = await http(fnode.url, 'GET', `/t/${appName}/a/b`);
    assert.equal(miss.status, 404);
    assert.deepEqual(miss.json(), { message: 'Trigger not found' });
  });

  it('answers 404 App not found for an unknown or malformed app name', async () => {
    assert.deepEqual((await http(fnode.url, 'GET', '/t/no-such-app/echo')).json(), {
      message: 'App not found',
    });
    assert.equal((await http(fnode.url, 'GET', `/t/${'x'.repeat(300)}/echo`)).status, 404);
    assert.equal((await http(fnode.url, 'GET', '/t/bad%20name/echo')).status, 404);
  });
});
