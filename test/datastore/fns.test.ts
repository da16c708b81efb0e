import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FnPatch } from '../../src/models/index.js';
import { describeEachDialect, rejectsWith, tick, uniq } from './dialects.js';

describeEachDialect('datastore fns', (ctx) => {
  const app = async (shape?: string) => ctx.ds.insertApp({ name: uniq('app'), ...(shape && { shape }) });

  it('applies Fn defaults and copies the app shape', async () => {
    const a = await app('GENERIC_X86_ARM');
    const fn = await ctx.ds.insertFn({ app_id: a.id, name: 'hello', image: 'fnproject/hello:0.0.1' });
    assert.match(fn.id, /^[0-9A-Z]{26}$/);
    assert.equal(fn.memory, 128);
    assert.equal(fn.timeout, 30);
    assert.equal(fn.idle_timeout, 30);
    assert.deepEqual(fn.config, {});
    assert.equal('annotations' in fn, false);
    assert.equal(fn.shape, 'GENERIC_X86_ARM');
    assert.equal(fn.updated_at, fn.created_at);
    assert.deepEqual(await ctx.ds.getFnById(fn.id), fn);
    const plain = await ctx.ds.insertFn({
      app_id: (await app()).id,
      name: 'x',
      image: 'i',
      memory: 0,
      timeout: 0,
    });
    assert.equal('shape' in plain, false);
    assert.equal(plain.memory, 128);
  });

  it('stores every field', async () => {
    const a = await app();
    const fn = await ctx.ds.insertFn({
      app_id: a.id,
      name: 'Full.fn_~$&+:=@-1',
      image: 'img:2',
      memory: 8192,
      timeout: 300,
      idle_timeout: 3600,
      config: { K: 'v' },
      annotations: { 'a/b': ['x'] },
    });
    assert.deepEqual(await ctx.ds.getFnById(fn.id), fn);
    assert.deepEqual([fn.memory, fn.timeout, fn.idle_timeout], [8192, 300, 3600]);
  });

  it('rejects invalid fns with Fn messages, before looking for the app', async () => {
    const a = await app();
    const base = { app_id: a.id, name: 'f', image: 'img' };
    await rejectsWith(ctx.ds.insertFn({ ...base, name: '' }), 400, 'Missing Fn name');
    await rejectsWith(ctx.ds.insertFn({ ...base, name: 'a/b' }), 400, 'name must be a valid string');
    await rejectsWith(
      ctx.ds.insertFn({ ...base, name: 'a'.repeat(256) }),
      400,
      'Fn name must be 255 characters or less',
    );
    await rejectsWith(ctx.ds.insertFn({ ...base, app_id: '' }), 400, 'Missing AppID on Fn');
    await rejectsWith(ctx.ds.insertFn({ ...base, image: '' }), 400, 'Missing image on Fn');
    await rejectsWith(
      ctx.ds.insertFn({ ...base, timeout: 301 }),
      400,
      'timeout value is out of range, must be between 0 and 300',
    );
    await rejectsWith(
      ctx.ds.insertFn({ ...base, idle_timeout: 3601 }),
      400,
      'idle_timeout value is out of range, must be between 0 and 3600',
    );
    await rejectsWith(
      ctx.ds.insertFn({ ...base, memory: 8193 }),
      400,
      'memory value is out of range. It should be between 0 and 8192',
    );
    await rejectsWith(
      ctx.ds.insertFn({ ...base, app_id: '0000000000000000000000000Z', image: '' }),
      400,
      'Missing image on Fn',
    );
    await rejectsWith(
      ctx.ds.insertFn({ ...base, app_id: '0000000000000000000000000Z' }),
      404,
      'App not found',
    );
  });

  it('refuses a duplicate name in one app, allows it in another', async () => {
    const a = await app();
    await ctx.ds.insertFn({ app_id: a.id, name: 'same', image: 'i' });
    await rejectsWith(
      ctx.ds.insertFn({ app_id: a.id, name: 'same', image: 'j' }),
      409,
      'Fn with specified name already exists',
    );
    const other = await ctx.ds.insertFn({ app_id: (await app()).id, name: 'same', image: 'i' });
    assert.equal(other.name, 'same');
    const upper = await ctx.ds.insertFn({ app_id: a.id, name: 'SAME', image: 'i' });
    assert.equal(upper.name, 'SAME');
  });

  it('merges on update, keeps name and app, bumps updated_at only on change', async () => {
    const a = await app();
    const fn = await ctx.ds.insertFn({
      app_id: a.id,
      name: 'u',
      image: 'i:1',
      config: { A: '1', B: '2' },
      annotations: { x: 1 },
    });
    await tick();
    const same = await ctx.ds.updateFn(fn.id, { image: 'i:1', config: { A: '1' }, annotations: { x: 1 } });
    assert.deepEqual(same, fn);
    await tick();
    const patch = {
      name: 'renamed',
      app_id: 'other',
      image: 'i:2',
      memory: 256,
      config: { A: '' },
      annotations: { x: '', y: 2 },
    };
    const next = await ctx.ds.updateFn(fn.id, patch as FnPatch);
    assert.equal(next.name, 'u');
    assert.equal(next.app_id, a.id);
    assert.equal(next.image, 'i:2');
    assert.equal(next.memory, 256);
    assert.equal(next.timeout, 30);
    assert.deepEqual(next.config, { B: '2' });
    assert.deepEqual(next.annotations, { y: 2 });
    assert.ok(next.updated_at > fn.updated_at);
    assert.equal(next.created_at, fn.created_at);
    assert.deepEqual(await ctx.ds.getFnById(fn.id), next);
    const cleared = await ctx.ds.updateFn(fn.id, { config: { B: '' }, annotations: { y: null } });
    assert.deepEqual(cleared.config, {});
    assert.equal('annotations' in cleared, false);
    assert.deepEqual(await ctx.ds.getFnById(fn.id), cleared);
  });

  it('rejects an invalid update and keeps the stored fn', async () => {
    const fn = await ctx.ds.insertFn({ app_id: (await app()).id, name: 'v', image: 'i' });
    await rejectsWith(
      ctx.ds.updateFn(fn.id, { timeout: 301 }),
      400,
      'timeout value is out of range, must be between 0 and 300',
    );
    assert.deepEqual(await ctx.ds.getFnById(fn.id), fn);
    await rejectsWith(ctx.ds.updateFn('0000000000000000000000000Z', { image: 'x' }), 404, 'Fn not found');
    await rejectsWith(ctx.ds.getFnById('0000000000000000000000000Z'), 404, 'Fn not found');
  });

  it('lists an app’s fns by name through several pages, with a name filter', async () => {
    const a = await app();
    const other = await app();
    const names = ['f5', 'F1', 'f2', 'f0', 'f4', 'f3', 'f6'];
    for (const name of names) await ctx.ds.insertFn({ app_id: a.id, name, image: 'i' });
    await ctx.ds.insertFn({ app_id: other.id, name: 'f1', image: 'i' });
    const p1 = await ctx.ds.getFns({ appId: a.id, perPage: 3 });
    assert.deepEqual(
      p1.items.map((f) => f.name),
      ['F1', 'f0', 'f2'],
    );
    assert.equal(p1.nextCursor, Buffer.from('f2').toString('base64url'));
    const p2 = await ctx.ds.getFns({ appId: a.id, perPage: 3, cursor: p1.nextCursor });
    assert.deepEqual(
      p2.items.map((f) => f.name),
      ['f3', 'f4', 'f5'],
    );
    const p3 = await ctx.ds.getFns({ appId: a.id, perPage: 3, cursor: p2.nextCursor });
    assert.deepEqual(
      p3.items.map((f) => f.name),
      ['f6'],
    );
    assert.equal(p3.nextCursor, undefined);
    const named = await ctx.ds.getFns({ appId: a.id, perPage: 3, name: 'f4' });
    assert.deepEqual(
      named.items.map((f) => f.name),
      ['f4'],
    );
    assert.equal(named.nextCursor, undefined);
    await rejectsWith(ctx.ds.getFns({ appId: '', perPage: 3 }), 400, 'Missing AppID on Fn');
    assert.deepEqual(await ctx.ds.getFns({ appId: '0000000000000000000000000Z', perPage: 3 }), { items: [] });
  });

  it('removes a fn with its triggers', async () => {
    const a = await app();
    const fn = await ctx.ds.insertFn({ app_id: a.id, name: 'rm', image: 'i' });
    const keep = await ctx.ds.insertFn({ app_id: a.id, name: 'keep', image: 'i' });
    const t = await ctx.ds.insertTrigger({
      app_id: a.id,
      fn_id: fn.id,
      name: 't',
      type: 'http',
      source: '/rm',
    });
    const kept = await ctx.ds.insertTrigger({
      app_id: a.id,
      fn_id: keep.id,
      name: 't',
      type: 'http',
      source: '/keep',
    });
    await ctx.ds.removeFn(fn.id);
    await rejectsWith(ctx.ds.getFnById(fn.id), 404, 'Fn not found');
    await rejectsWith(ctx.ds.getTriggerById(t.id), 404, 'Trigger not found');
    assert.deepEqual(await ctx.ds.getTriggerById(kept.id), kept);
    assert.deepEqual(await ctx.ds.getAppById(a.id), a);
    await rejectsWith(ctx.ds.removeFn(fn.id), 404, 'Fn not found');
  });
});
