import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isApiError } from '../../src/models/index.js';
import { describeEachDialect, uniq } from './dialects.js';

const ATTEMPTS = 10;

/** Runs the same create ATTEMPTS times at once; returns successes and the 409 messages. */
async function race<T>(create: () => Promise<T>): Promise<{ ok: T[]; conflicts: string[] }> {
  const settled = await Promise.allSettled(Array.from({ length: ATTEMPTS }, create));
  const ok: T[] = [];
  const conflicts: string[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') ok.push(s.value);
    else if (isApiError(s.reason) && s.reason.status === 409) conflicts.push(s.reason.message);
    else throw s.reason;
  }
  return { ok, conflicts };
}

describeEachDialect('datastore concurrent creates', (ctx) => {
  it('creates one app of a name, answering the others 409', async () => {
    const name = uniq('race');
    const { ok, conflicts } = await race(() => ctx.ds.insertApp({ name }));
    assert.equal(ok.length, 1);
    assert.deepEqual(conflicts, Array(ATTEMPTS - 1).fill('App already exists'));
    assert.equal((await ctx.ds.getApps({ name, perPage: 10 })).items.length, 1);
  });

  it('creates one fn of a name per app, answering the others 409', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('race') });
    const { ok, conflicts } = await race(() => ctx.ds.insertFn({ app_id: app.id, name: 'fn', image: 'i' }));
    assert.equal(ok.length, 1);
    assert.deepEqual(conflicts, Array(ATTEMPTS - 1).fill('Fn with specified name already exists'));
    assert.equal((await ctx.ds.getFns({ appId: app.id, perPage: 10 })).items.length, 1);
  });

  it('creates one trigger per source and per name, answering the others 409', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('race') });
    const fn = await ctx.ds.insertFn({ app_id: app.id, name: 'fn', image: 'i' });
    let n = 0;
    const bySource = await race(() =>
      ctx.ds.insertTrigger({ app_id: app.id, fn_id: fn.id, name: `t${n++}`, type: 'http', source: '/same' }),
    );
    assert.equal(bySource.ok.length, 1);
    assert.deepEqual(
      bySource.conflicts,
      Array(ATTEMPTS - 1).fill('Trigger with the same type and source exists on this app'),
    );
    const byName = await race(() =>
      ctx.ds.insertTrigger({ app_id: app.id, fn_id: fn.id, name: 'same', type: 'http', source: `/s${n++}` }),
    );
    assert.equal(byName.ok.length, 1);
    assert.deepEqual(byName.conflicts, Array(ATTEMPTS - 1).fill('Trigger already exists'));
    assert.equal((await ctx.ds.getTriggers({ appId: app.id, perPage: 50 })).items.length, 2);
  });

  it('creates one route per path, answering the others 409', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('race') });
    const route = {
      app_id: app.id,
      path: '/same',
      image: 'i',
      memory: 0,
      type: '',
      format: '',
      timeout: 0,
      idle_timeout: 0,
    };
    const { ok, conflicts } = await race(() => ctx.ds.insertRoute(route));
    assert.equal(ok.length, 1);
    assert.deepEqual(conflicts, Array(ATTEMPTS - 1).fill('Route already exists'));
  });
});
