import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { loadConfig } from '../../src/config/index.js';
import { createFn, dockerAvailable, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { createRoute } from '../v1/v1-helpers.js';

const docker = dockerAvailable();
const MAX = 6 * 1024 * 1024;

/** A body sent in chunks, without Content-Length: only the body parser can stop it. */
async function chunked(url: string, bytes: number): Promise<{ status: number; text: string }> {
  const piece = Buffer.alloc(64 * 1024, 'x');
  const pieces = function* () {
    for (let left = bytes; left > 0; left -= piece.length)
      yield piece.subarray(0, Math.min(left, piece.length));
  };
  const res = await request(url, { method: 'POST', body: Readable.from(pieces()) });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('request and response bodies are capped by default', () => {
  it('FN_MAX_REQUEST_SIZE and FN_MAX_RESPONSE_SIZE default to 6 MiB; 0 turns them off', () => {
    const c = loadConfig({}, '/srv');
    assert.equal(c.maxRequestSize, 6_291_456);
    assert.equal(c.agent.maxResponseSize, 6_291_456);
    const off = loadConfig({ FN_MAX_REQUEST_SIZE: '0', FN_MAX_RESPONSE_SIZE: '0' }, '/srv');
    assert.equal(off.maxRequestSize, 0);
    assert.equal(off.agent.maxResponseSize, 0);
  });
});

describe('body limits of a server with the default configuration', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  let fnode: TestFnode;
  let base: string;

  before(async () => {
    fnode = await startTestFnode();
    base = fnode.url;
  });
  after(async () => {
    await fnode?.stop();
  });

  it('a request body over 6 MiB answers 413 with Fn message on every route, declared or chunked', async () => {
    const { fnId, appId } = await createFn(base, 'fnode-test/hello');
    const tooBig = Buffer.alloc(MAX + 1, 'x');
    const message = `Content-Length too large for this server, ${MAX + 1} > max ${MAX}`;
    for (const [path, headers] of [
      [`/invoke/${fnId}`, {}],
      [`/invoke/${fnId}`, { 'fn-invoke-type': 'async' }],
      [`/v2/apps/${appId}`, { 'content-type': 'application/json' }],
    ] as const) {
      const res = await http(base, path.startsWith('/v2') ? 'PUT' : 'POST', path, tooBig, headers);
      assert.equal(res.status, 413, `${path}: ${res.text}`);
      assert.deepEqual(res.json(), { message }, path);
    }
    const streamed = await chunked(`${base}/invoke/${fnId}`, MAX + 64 * 1024);
    assert.equal(streamed.status, 413, streamed.text);
    assert.deepEqual(JSON.parse(streamed.text), { message: 'Request content too large' });
    const small = await http(base, 'POST', `/invoke/${fnId}`, { name: 'small' });
    assert.equal(small.status, 200, small.text);
  });

  it('a function response over 6 MiB answers 502 with Fn message; 6 MiB passes', async () => {
    const { fnId } = await createFn(base, 'fnode-test/big');
    const max = await http(base, 'POST', `/invoke/${fnId}`, String(MAX));
    assert.equal(max.status, 200);
    assert.equal(max.text.length, MAX);
    const over = await http(base, 'POST', `/invoke/${fnId}`, String(MAX + 1));
    assert.equal(over.status, 502);
    assert.deepEqual(over.json(), { message: 'function response body too large' });
  });

  it('legacy formats: /r/ refuses a request over 6 MiB, and a chunked http answer over it, in small chunks', async () => {
    const { app, path } = await createRoute(base, { image: 'fnode-test/legacy', format: 'http' });
    const url = `/r/${app}${path}`;
    const big = await http(base, 'POST', url, Buffer.alloc(MAX + 1, 'x'));
    assert.equal(big.status, 413);
    assert.deepEqual(big.json(), {
      error: { message: `Content-Length too large for this server, ${MAX + 1} > max ${MAX}` },
    });
    const ok = await http(base, 'POST', url, `chunked:${1024 * 1024}`);
    assert.equal(ok.status, 200, ok.text.slice(0, 200));
    assert.equal(ok.text.length, 1024 * 1024);
    const over = await http(base, 'POST', url, `chunked:${MAX + 1}`);
    assert.equal(over.status, 502, over.text.slice(0, 200));
    assert.deepEqual(over.json(), { error: { message: 'function response body too large' } });
    // The container that answered too much is replaced; the route serves on.
    const again = await http(base, 'POST', url, 'hello');
    assert.equal(again.status, 200, again.text);
  });
});

describe('body limits turned off (0)', { skip: !docker && 'Docker is not reachable' }, () => {
  it('takes a 7 MiB request and relays a 7 MiB answer', async () => {
    const fnode = await startTestFnode({ FN_MAX_REQUEST_SIZE: '0', FN_MAX_RESPONSE_SIZE: '0' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
      const name = 'x'.repeat(7 * 1024 * 1024);
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, { name });
      assert.equal(res.status, 200);
      assert.equal(res.json<{ message: string }>().message, `Hello ${name}`);
    } finally {
      await fnode.stop();
    }
  });
});
