import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError, Errors } from '../../src/models/index.js';
import { type TestServer, send, startTestServer } from './helpers.js';

/** Routes that fail in every way a plugin of another module might. */
async function failingRoutes(app: FastifyInstance): Promise<void> {
  app.get('/boom/api', async () => {
    throw Errors.CallTimeoutServerBusy.copy();
  });
  app.get('/boom/teapot', async () => {
    throw new ApiError(418, 'short and stout');
  });
  app.get('/boom/plain', async () => {
    throw new Error('secret detail at /srv/db');
  });
  app.get('/boom/type', async () => {
    const o = undefined as unknown as { x: number };
    return o.x;
  });
  app.get('/boom/status', async () => {
    throw Object.assign(new Error('looks like a client error'), { statusCode: 400 });
  });
  app.get('/boom/cancel', async () => {
    throw Errors.ClientCancel.copy();
  });
  app.post('/echo', { schema: { body: Type.Object({ n: Type.Integer() }) } }, async (req) => req.body);
}

describe('error answers', () => {
  let s: TestServer;
  const logs: Record<string, unknown>[] = [];
  before(async () => {
    s = await startTestServer({
      plugins: [failingRoutes],
      logger: { level: 'warn', stream: { write: (line: string) => logs.push(JSON.parse(line)) } },
    });
  });
  after(() => s.close());

  it('carry an ApiError status, message and headers', async () => {
    const res = await send(s.app, 'GET', '/boom/api');
    assert.deepEqual([res.status, res.body], [503, { message: 'Timed out - server too busy' }]);
    assert.equal(res.headers['retry-after'], '15');
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const teapot = await send(s.app, 'GET', '/boom/teapot');
    assert.deepEqual([teapot.status, teapot.body], [418, { message: 'short and stout' }]);
  });

  it('log 5xx api errors as one warning line, without a stack', async () => {
    logs.length = 0;
    await send(s.app, 'GET', '/boom/api');
    const line = logs.find((l) => l['msg'] === 'api error');
    assert.ok(line);
    assert.equal(line['level'], 40);
    assert.deepEqual(
      [line['status'], line['message'], line['err']],
      [503, 'Timed out - server too busy', undefined],
    );
  });

  it('answer any other error with a bare 500, logging its stack', async () => {
    for (const url of ['/boom/plain', '/boom/type', '/boom/status']) {
      logs.length = 0;
      const res = await send(s.app, 'GET', url);
      assert.deepEqual([res.status, res.raw], [500, '{"message":"internal server error"}'], url);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      const logged = logs.find((l) => l['msg'] === 'internal server error') as
        | { err: { stack: string } }
        | undefined;
      assert.ok(logged, url);
      assert.match(logged.err.stack, /error-handler\.test\.ts/);
    }
  });

  it('send no body for a cancelled client', async () => {
    const res = await send(s.app, 'GET', '/boom/cancel');
    assert.deepEqual([res.status, res.raw], [444, '']);
  });

  it("answer Invalid JSON for bad bodies on other modules' routes too", async () => {
    const bad = await send(s.app, 'POST', '/echo', '{"n":', { 'content-type': 'application/json' });
    assert.deepEqual([bad.status, bad.body], [400, { message: 'Invalid JSON' }]);
    const empty = await send(s.app, 'POST', '/echo', '', { 'content-type': 'application/json' });
    assert.deepEqual([empty.status, empty.body], [400, { message: 'Invalid JSON' }]);
    const wrong = await send(s.app, 'POST', '/echo', { n: 'one' });
    assert.deepEqual([wrong.status, wrong.body], [400, { message: 'Invalid JSON' }]);
    const ok = await send(s.app, 'POST', '/echo', { n: 1 });
    assert.deepEqual([ok.status, ok.body], [200, { n: 1 }]);
  });

  it('answer 415 Content Type not supported where a route has no parser for the body', async () => {
    const res = await send(s.app, 'POST', '/echo', '<n>1</n>', { 'content-type': 'application/xml' });
    assert.deepEqual([res.status, res.body], [415, { message: 'Content Type not supported' }]);
  });
});
