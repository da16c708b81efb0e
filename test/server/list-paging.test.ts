import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, createApp, createFn, send, startTestServer } from './helpers.js';

/** Follows next_cursor to the end, returning every page's names. */
async function walk(s: TestServer, url: string, perPage: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const sep = url.includes('?') ? '&' : '?';
    const res = await send(
      s.app,
      'GET',
      `${url}${sep}per_page=${perPage}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    assert.equal(res.status, 200);
    pages.push(res.body.items.map((x: { name: string }) => x.name));
    cursor = res.body.next_cursor;
    if (!cursor) return pages;
  }
  throw new Error('paging did not end');
}

describe('list paging', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('pages apps by name with cursors, the last full page followed by an empty one', async () => {
    for (const name of ['e', 'c', 'a', 'd', 'b', 'f']) await createApp(s.app, { name });
    assert.deepEqual(await walk(s, '/v2/apps', 2), [['a', 'b'], ['c', 'd'], ['e', 'f'], []]);
    assert.deepEqual(await walk(s, '/v2/apps', 4), [
      ['a', 'b', 'c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('omits next_cursor on a page that is not full', async () => {
    const res = await send(s.app, 'GET', '/v2/apps?per_page=100');
    assert.equal(res.status, 200);
    assert.ok(!('next_cursor' in res.body));
  });

  it('pages fns and triggers the same way', async () => {
    const app = await createApp(s.app);
    for (const name of ['f3', 'f1', 'f2']) await createFn(s.app, app.id, { name });
    assert.deepEqual(await walk(s, `/v2/fns?app_id=${app.id}`, 2), [['f1', 'f2'], ['f3']]);
    const fn = await createFn(s.app, app.id, { name: 'f0' });
    for (const name of ['t2', 't1']) {
      await send(s.app, 'POST', '/v2/triggers', {
        name,
        app_id: app.id,
        fn_id: fn.id,
        type: 'http',
        source: `/${name}`,
      });
    }
    assert.deepEqual(await walk(s, `/v2/triggers?app_id=${app.id}`, 1), [['t1'], ['t2'], []]);
  });

  describe('per_page', () => {
    let appId: string;
    before(async () => {
      const app = await createApp(s.app);
      appId = app.id;
      for (let i = 0; i < 101; i++) {
        await s.ds.insertFn({ app_id: appId, name: `fn${String(i).padStart(3, '0')}`, image: 'img' });
      }
    });

    const count = async (perPage: string) => {
      const res = await send(s.app, 'GET', `/v2/fns?app_id=${appId}&per_page=${perPage}`);
      assert.equal(res.status, 200, perPage);
      return res.body.items.length;
    };

    it('defaults to 30 when missing, zero, negative or not a number', async () => {
      assert.equal((await send(s.app, 'GET', `/v2/fns?app_id=${appId}`)).body.items.length, 30);
      for (const bad of ['0', '-1', 'abc', '', '1e999', 'NaN']) assert.equal(await count(bad), 30, bad);
    });

    it('is capped at 100', async () => {
      assert.equal(await count('101'), 100);
      assert.equal(await count('99999999999999999999'), 100);
    });

    it('is honoured within bounds, the first of repeated values winning', async () => {
      assert.equal(await count('7'), 7);
      assert.equal(
        (await send(s.app, 'GET', `/v2/fns?app_id=${appId}&per_page=3&per_page=5`)).body.items.length,
        3,
      );
    });
  });

  it('answers 400 Invalid cursor for a cursor that does not decode, on every list', async () => {
    const app = await createApp(s.app);
    for (const base of ['/v2/apps?', `/v2/fns?app_id=${app.id}&`, `/v2/triggers?app_id=${app.id}&`]) {
      for (const cursor of ['!!!', '%FF%FE', '_w', 'a%20b']) {
        const res = await send(s.app, 'GET', `${base}cursor=${cursor}`);
        assert.deepEqual([res.status, res.body], [400, { message: 'Invalid cursor' }], `${base}${cursor}`);
      }
    }
  });
});
