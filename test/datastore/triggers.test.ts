import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewTrigger } from '../../src/datastore/index.js';
import { describeEachDialect, rejectsWith, tick, uniq } from './dialects.js';

const MISSING = '0000000000000000000000000Z';

describeEachDialect('datastore triggers', (ctx) => {
  const appAndFn = async () => {
    const app = await ctx.ds.insertApp({ name: uniq('app') });
    const fn = await ctx.ds.insertFn({ app_id: app.id, name: 'fn', image: 'i' });
    return { app, fn };
  };
  const trigger = (appId: string, fnId: string, name: string, source: string): NewTrigger => ({
    app_id: appId,
    fn_id: fnId,
    name,
    type: 'http',
    source,
  });

  it('inserts, reads by id and by exact source', async () => {
    const { app, fn } = await appAndFn();
    const t = await ctx.ds.insertTrigger({
      ...trigger(app.id, fn.id, 'hook', '/hook'),
      annotations: { 'x/y': 'z' },
    });
    assert.match(t.id, /^[0-9A-Z]{26}$/);
    assert.equal(t.updated_at, t.created_at);
    assert.deepEqual(t.annotations, { 'x/y': 'z' });
    assert.deepEqual(await ctx.ds.getTriggerById(t.id), t);
    assert.deepEqual(await ctx.ds.getTriggerBySource(app.id, 'http', '/hook'), t);
    await rejectsWith(ctx.ds.getTriggerBySource(app.id, 'http', '/hook/'), 404, 'Trigger not found');
    await rejectsWith(ctx.ds.getTriggerBySource(app.id, 'http', '/HOOK'), 404, 'Trigger not found');
    await rejectsWith(ctx.ds.getTriggerById(MISSING), 404, 'Trigger not found');
    const plain = await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'plain', '/plain'));
    assert.equal('annotations' in plain, false);
  });

  it('accepts a source longer than any index key', async () => {
    const { app, fn } = await appAndFn();
    const source = `/${'s'.repeat(2000)}`;
    const t = await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'long', source));
    assert.deepEqual(await ctx.ds.getTriggerBySource(app.id, 'http', source), t);
    await rejectsWith(
      ctx.ds.insertTrigger(trigger(app.id, fn.id, 'long2', source)),
      409,
      'Trigger with the same type and source exists on this app',
    );
  });

  it('rejects invalid triggers with Fn messages', async () => {
    const { app, fn } = await appAndFn();
    const ok = trigger(app.id, fn.id, 'v', '/v');
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, app_id: '' }), 400, 'Missing App ID on Trigger');
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, name: '' }), 400, 'Missing name on Trigger');
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, name: 'a.b' }), 400, 'Invalid name for Trigger');
    await rejectsWith(
      ctx.ds.insertTrigger({ ...ok, name: 'a'.repeat(256) }),
      400,
      'Trigger name must be 255 characters or less',
    );
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, fn_id: '' }), 400, 'Missing Fn ID on Trigger');
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, type: 'grpc' }), 400, 'Trigger Type Not Supported');
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, source: '' }), 400, 'Missing Trigger Source');
    await rejectsWith(ctx.ds.insertTrigger({ ...ok, source: 'v' }), 400, "Missing Trigger Source Prefix '/'");
  });

  it('checks the app, the fn and the fn’s app', async () => {
    const { app, fn } = await appAndFn();
    const other = await appAndFn();
    await rejectsWith(ctx.ds.insertTrigger(trigger(MISSING, fn.id, 't', '/t')), 404, 'App not found');
    await rejectsWith(ctx.ds.insertTrigger(trigger(app.id, MISSING, 't', '/t')), 404, 'Fn not found');
    await rejectsWith(
      ctx.ds.insertTrigger(trigger(app.id, other.fn.id, 't', '/t')),
      400,
      'Invalid Fn ID - not owned by specified app',
    );
  });

  it('keeps sources unique per app and type, names unique per fn', async () => {
    const { app, fn } = await appAndFn();
    const fn2 = await ctx.ds.insertFn({ app_id: app.id, name: 'fn2', image: 'i' });
    await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'a', '/a'));
    await rejectsWith(
      ctx.ds.insertTrigger(trigger(app.id, fn2.id, 'b', '/a')),
      409,
      'Trigger with the same type and source exists on this app',
    );
    await rejectsWith(
      ctx.ds.insertTrigger(trigger(app.id, fn.id, 'a', '/other')),
      409,
      'Trigger already exists',
    );
    assert.equal((await ctx.ds.insertTrigger(trigger(app.id, fn2.id, 'a', '/b'))).name, 'a');
    assert.equal((await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'A', '/A'))).source, '/A');
    const elsewhere = await appAndFn();
    assert.equal(
      (await ctx.ds.insertTrigger(trigger(elsewhere.app.id, elsewhere.fn.id, 'a', '/a'))).source,
      '/a',
    );
  });

  it('updates name, fn, source and annotations; bumps updated_at only on change', async () => {
    const { app, fn } = await appAndFn();
    const fn2 = await ctx.ds.insertFn({ app_id: app.id, name: 'fn2', image: 'i' });
    const t = await ctx.ds.insertTrigger({
      ...trigger(app.id, fn.id, 'u', '/u'),
      annotations: { a: 1, b: 2 },
    });
    await tick();
    assert.deepEqual(await ctx.ds.updateTrigger(t.id, { name: 'u', source: '/u', annotations: { a: 1 } }), t);
    await tick();
    const next = await ctx.ds.updateTrigger(t.id, {
      name: 'v',
      fn_id: fn2.id,
      source: '/v',
      annotations: { a: '' },
    });
    assert.deepEqual(
      { name: next.name, fn_id: next.fn_id, source: next.source, annotations: next.annotations },
      { name: 'v', fn_id: fn2.id, source: '/v', annotations: { b: 2 } },
    );
    assert.ok(next.updated_at > t.updated_at);
    assert.equal(next.type, 'http');
    assert.deepEqual(await ctx.ds.getTriggerById(t.id), next);
    assert.deepEqual(await ctx.ds.getTriggerBySource(app.id, 'http', '/v'), next);
    await rejectsWith(ctx.ds.getTriggerBySource(app.id, 'http', '/u'), 404, 'Trigger not found');
  });

  it('rejects conflicting or invalid trigger updates', async () => {
    const { app, fn } = await appAndFn();
    const other = await appAndFn();
    const a = await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'a', '/a'));
    await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'b', '/b'));
    await rejectsWith(
      ctx.ds.updateTrigger(a.id, { source: '/b' }),
      409,
      'Trigger with the same type and source exists on this app',
    );
    await rejectsWith(ctx.ds.updateTrigger(a.id, { name: 'b' }), 409, 'Trigger already exists');
    await rejectsWith(
      ctx.ds.updateTrigger(a.id, { fn_id: other.fn.id }),
      400,
      'Invalid Fn ID - not owned by specified app',
    );
    await rejectsWith(ctx.ds.updateTrigger(a.id, { fn_id: MISSING }), 404, 'Fn not found');
    await rejectsWith(ctx.ds.updateTrigger(a.id, { source: 'x' }), 400, "Missing Trigger Source Prefix '/'");
    await rejectsWith(ctx.ds.updateTrigger(MISSING, { name: 'z' }), 404, 'Trigger not found');
    assert.deepEqual(await ctx.ds.getTriggerById(a.id), a);
  });

  it('lists an app’s triggers by name through several pages, filtered by fn and name', async () => {
    const { app, fn } = await appAndFn();
    const fn2 = await ctx.ds.insertFn({ app_id: app.id, name: 'fn2', image: 'i' });
    for (const n of ['t3', 't1', 'T9', 't2', 'x'])
      await ctx.ds.insertTrigger(trigger(app.id, fn.id, n, `/${n}`));
    for (const n of ['t0', 'x']) await ctx.ds.insertTrigger(trigger(app.id, fn2.id, n, `/2/${n}`));
    const other = await appAndFn();
    await ctx.ds.insertTrigger(trigger(other.app.id, other.fn.id, 't4', '/t4'));
    const p1 = await ctx.ds.getTriggers({ appId: app.id, fnId: fn.id, perPage: 2 });
    const p2 = await ctx.ds.getTriggers({ appId: app.id, fnId: fn.id, perPage: 2, cursor: p1.nextCursor });
    const p3 = await ctx.ds.getTriggers({ appId: app.id, fnId: fn.id, perPage: 2, cursor: p2.nextCursor });
    assert.deepEqual(
      [p1, p2, p3].map((p) => p.items.map((t) => t.name)),
      [['T9', 't1'], ['t2', 't3'], ['x']],
    );
    assert.equal(p3.nextCursor, undefined);
    const all = await ctx.ds.getTriggers({ appId: app.id, perPage: 10 });
    assert.deepEqual(
      all.items.map((t) => t.name),
      ['T9', 't0', 't1', 't2', 't3', 'x', 'x'],
    );
    const byFn = await ctx.ds.getTriggers({ appId: app.id, fnId: fn2.id, perPage: 5 });
    assert.deepEqual(
      byFn.items.map((t) => t.name),
      ['t0', 'x'],
    );
    const byName = await ctx.ds.getTriggers({ appId: app.id, name: 'x', perPage: 5 });
    assert.deepEqual(byName.items.map((t) => t.fn_id).sort(), [fn.id, fn2.id].sort());
    const byBoth = await ctx.ds.getTriggers({ appId: app.id, fnId: fn2.id, name: 'x', perPage: 5 });
    assert.deepEqual(
      byBoth.items.map((t) => t.source),
      ['/2/x'],
    );
    await rejectsWith(ctx.ds.getTriggers({ appId: '', perPage: 3 }), 400, 'Missing App ID on Trigger');
  });

  it('paginates one fn’s triggers through three pages', async () => {
    const { app, fn } = await appAndFn();
    for (let i = 0; i < 7; i++) await ctx.ds.insertTrigger(trigger(app.id, fn.id, `p${i}`, `/p${i}`));
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.ds.getTriggers({
        appId: app.id,
        fnId: fn.id,
        perPage: 3,
        ...(cursor && { cursor }),
      });
      pages.push(page.items.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(pages, [['p0', 'p1', 'p2'], ['p3', 'p4', 'p5'], ['p6']]);
  });

  it('removes a trigger', async () => {
    const { app, fn } = await appAndFn();
    const t = await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'rm', '/rm'));
    await ctx.ds.removeTrigger(t.id);
    await rejectsWith(ctx.ds.getTriggerById(t.id), 404, 'Trigger not found');
    await rejectsWith(ctx.ds.removeTrigger(t.id), 404, 'Trigger not found');
    assert.equal((await ctx.ds.insertTrigger(trigger(app.id, fn.id, 'rm', '/rm'))).source, '/rm');
  });
});
