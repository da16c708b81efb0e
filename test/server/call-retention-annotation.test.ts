import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createApp, createFn, send, startTestServer, unique } from './helpers.js';

const KEY = 'fnode.io/call-retention-secs';
const MESSAGE = `Invalid annotation ${KEY}: must be a whole number of seconds from 0 to 316224000`;

describe('fnode.io/call-retention-secs on /v2/fns', () => {
  let s: TestServer;
  let appId: string;
  before(async () => {
    s = await startTestServer();
    appId = (await createApp(s.app)).id;
  });
  after(() => s.close());

  const post = (value: unknown) =>
    send(s.app, 'POST', '/v2/fns', {
      app_id: appId,
      name: unique('fn'),
      image: 'img:1',
      annotations: { [KEY]: value },
    });

  it('takes a whole number of seconds, as a number or a string of digits', async () => {
    for (const value of [3600, '86400', 0]) {
      const res = await post(value);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.annotations[KEY], value);
    }
  });

  it('refuses anything else with a 400 that names the annotation', async () => {
    for (const value of ['soon', -5, 1.5, '1e3', ' 60', true, { secs: 1 }, 400_000_000]) {
      const res = await post(value);
      assert.equal(res.status, 400, `${JSON.stringify(value)}: ${res.raw}`);
      assert.deepEqual(res.body, { message: MESSAGE });
    }
  });

  it('is checked on update too, and an empty value removes it', async () => {
    const fn = await createFn(s.app, appId, { annotations: { [KEY]: 60 } });
    const bad = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, { annotations: { [KEY]: 'an hour' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { message: MESSAGE });
    assert.equal((await s.ds.getFnById(fn.id)).annotations?.[KEY], 60);
    const cleared = await send(s.app, 'PUT', `/v2/fns/${fn.id}`, { annotations: { [KEY]: '' } });
    assert.equal(cleared.status, 200, cleared.raw);
    assert.equal(cleared.body.annotations[KEY], undefined);
  });
});
