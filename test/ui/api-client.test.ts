import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Api, ApiProblem, describeProblem, query } from '../../ui/src/api.js';
import { startTestServer, type TestServer } from '../server/helpers.js';

/** The dashboard's API client against a real fnode server (the control plane, no Docker). */
describe("the dashboard's API client", () => {
  let server: TestServer;
  let base: string;
  before(async () => {
    server = await startTestServer();
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => server?.close());

  it('sends JSON and reads JSON, with the token as a bearer token when there is one', async () => {
    const seen: (string | undefined)[] = [];
    const spy = (url: string, init?: RequestInit) => {
      seen.push((init?.headers as Record<string, string> | undefined)?.['authorization']);
      return fetch(url, init);
    };
    let token: string | undefined;
    const api = new Api(() => token, spy, base);
    const created = await api.json<{ id: string; name: string }>('POST', '/v2/apps', { name: 'client-app' });
    assert.equal(created.name, 'client-app');
    token = 'secret-1';
    const list = await api.get<{ items: { id: string }[] }>('/v2/apps');
    assert.deepEqual(
      list.items.map((a) => a.id),
      [created.id],
    );
    assert.deepEqual(seen, [undefined, 'Bearer secret-1']);
  });

  it("turns the API's errors into plain words with its own message", async () => {
    const api = new Api(() => undefined, undefined, base);
    await assert.rejects(api.get('/v2/apps/01M91PJA3SR00040G0006E324A'), (e: unknown) => {
      assert.ok(e instanceof ApiProblem);
      assert.equal(e.status, 404);
      assert.equal(e.message, 'Not found (it may have been deleted): App not found');
      assert.equal(e.needsToken, false);
      return true;
    });
    await assert.rejects(api.json('POST', '/v2/apps', { name: 'bad name!' }), (e: unknown) => {
      assert.ok(e instanceof ApiProblem);
      assert.equal(e.status, 400);
      assert.match(e.message, /^The request was refused as invalid: .+/);
      return true;
    });
  });

  it('says when the server cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const api = new Api(() => undefined, undefined, `http://127.0.0.1:${port}`);
    await assert.rejects(api.get('/v2/apps'), (e: unknown) => {
      assert.ok(e instanceof ApiProblem);
      assert.equal(e.status, 0);
      assert.match(e.message, /^The server cannot be reached: /);
      return true;
    });
  });

  it('answers any status from raw requests (the invoke console) but 401, which asks for a token', async () => {
    const api = new Api(() => undefined, undefined, base);
    const res = await api.raw('GET', '/v2/apps/x', {});
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.body), { message: 'App not found' });
    assert.ok(res.headers.some(([k, v]) => k === 'content-type' && v.startsWith('application/json')));
    assert.ok(res.ms >= 0);
  });

  it('describes answers whatever their body: Fn v1 errors, text, nothing', () => {
    assert.equal(
      describeProblem(401, '{"message":"Invalid token"}').message,
      'A valid API token is needed: Invalid token',
    );
    assert.ok(describeProblem(401, '').needsToken);
    assert.equal(
      describeProblem(404, '{"error":{"message":"Route not found"}}').message,
      'Not found (it may have been deleted): Route not found',
    );
    assert.equal(describeProblem(502, 'Bad Gateway').message, 'The function failed: Bad Gateway');
    assert.equal(describeProblem(500, '').message, 'The server failed');
    assert.equal(describeProblem(418, '{}').message, 'The request failed (418)');
    assert.equal(describeProblem(503, 'x'.repeat(400)).detail, undefined, 'a long page is not a message');
  });

  it('writes query strings from the values given', () => {
    assert.equal(
      query({ app_id: 'a b', cursor: undefined, per_page: 50, name: '' }),
      '?app_id=a%20b&per_page=50',
    );
    assert.equal(query({}), '');
  });
});
