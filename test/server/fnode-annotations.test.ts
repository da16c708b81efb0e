import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp, send, startTestServer, type TestServer, unique } from './helpers.js';

describe('fnode.io/max-concurrency and fnode.io/min-hot on /v2/fns', () => {
  let s: TestServer;
  let appId: string;
  before(async () => {
    s = await startTestServer();
    appId = (await createApp(s.app)).id;
  });
  after(() => s.close());

  const post = (annotations: Record<string, unknown>) =>
    send(s.app, 'POST', '/v2/fns', { app_id: appId, name: unique('fn'), image: 'img:1', annotations });

  const cases: [string, unknown, string][] = [
    [
      'fnode.io/max-concurrency',
      0,
      'Invalid annotation fnode.io/max-concurrency: must be an integer from 1 to 1000',
    ],
    [
      'fnode.io/max-concurrency',
      1001,
      'Invalid annotation fnode.io/max-concurrency: must be an integer from 1 to 1000',
    ],
    [
      'fnode.io/max-concurrency',
      2.5,
      'Invalid annotation fnode.io/max-concurrency: must be an integer from 1 to 1000',
    ],
    [
      'fnode.io/max-concurrency',
      'many',
      'Invalid annotation fnode.io/max-concurrency: must be an integer from 1 to 1000',
    ],
    ['fnode.io/min-hot', -1, 'Invalid annotation fnode.io/min-hot: must be an integer from 0 to 100'],
    ['fnode.io/min-hot', 101, 'Invalid annotation fnode.io/min-hot: must be an integer from 0 to 100'],
    ['fnode.io/min-hot', { n: 1 }, 'Invalid annotation fnode.io/min-hot: must be an integer from 0 to 100'],
  ];
  for (const [key, value, message] of cases) {
    it(`refuses ${key} = ${JSON.stringify(value)} with 400 on create`, async () => {
      const res = await post({ [key]: value });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { message });
    });
  }

  it('accepts integers in range, as numbers or digit strings, and keeps them', async () => {
    const res = await post({ 'fnode.io/max-concurrency': 32, 'fnode.io/min-hot': '2' });
    assert.equal(res.status, 200);
    assert.equal(res.body.annotations['fnode.io/max-concurrency'], 32);
    assert.equal(res.body.annotations['fnode.io/min-hot'], '2');
  });

  it('refuses a bad value on update and leaves the stored fn as it was', async () => {
    const created = await post({ 'fnode.io/min-hot': 1 });
    assert.equal(created.status, 200);
    const id = created.body.id as string;
    const res = await send(s.app, 'PUT', `/v2/fns/${id}`, { annotations: { 'fnode.io/max-concurrency': 0 } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      message: 'Invalid annotation fnode.io/max-concurrency: must be an integer from 1 to 1000',
    });
    const stored = await send(s.app, 'GET', `/v2/fns/${id}`);
    assert.equal(stored.body.annotations['fnode.io/min-hot'], 1);
    assert.equal(stored.body.annotations['fnode.io/max-concurrency'], undefined);
  });
});
