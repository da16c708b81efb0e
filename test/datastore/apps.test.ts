import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { App } from '../../src/models/index.js';
import { describeEachDialect, newRoute, rejectsWith, tick, uniq } from './dialects.js';

describeEachDialect('datastore apps', (ctx) => {
  it('assigns id and times, and omits empty optional fields', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('a'), config: {}, annotations: {} });
    assert.match(app.id, /^[0-9A-Z]{26}$/);
    assert.match(app.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(app.updated_at, app.created_at);
    assert.deepEqual(Object.keys(app).sort(), ['created_at', 'id', 'name', 'updated_at']);
    assert.deepEqual(await ctx.ds.getAppById(app.id), app);
    assert.deepEqual(await ctx.ds.getAppByName(app.name), app);
  });

  it('stores config, annotations, syslog_url and shape', async () => {
    const app = await ctx.ds.insertApp({
      name: uniq('a'),
      config: { A: '1', B: 'two words' },
      annotations: { 'x.io/n': 1, 'x.io/o': { deep: [1, 'a'] } },
      syslog_url: 'tcp://127.0.0.1:514',
      shape: 'GENERIC_ARM',
    });
    const read = await ctx.ds.getAppById(app.id);
    assert.deepEqual(read, app);
    assert.deepEqual(read.config, { A: '1', B: 'two words' });
    assert.deepEqual(read.annotations, { 'x.io/n': 1, 'x.io/o': { deep: [1, 'a'] } });
    assert.equal(read.syslog_url, 'tcp://127.0.0.1:514');
    assert.equal(read.shape, 'GENERIC_ARM');
  });

  it('accepts 255-byte, unicode and case-distinct names', async () => {
    const long = `a${uniq('')}`.padEnd(255, 'z');
    assert.equal((await ctx.ds.insertApp({ name: long })).name, long);
    const unicode = uniq('ünï_cödé');
    assert.equal((await ctx.ds.getAppById((await ctx.ds.insertApp({ name: unicode })).id)).name, unicode);
    const lower = uniq('case');
    const upper = lower.toUpperCase();
    await ctx.ds.insertApp({ name: lower });
    await ctx.ds.insertApp({ name: upper });
    assert.equal((await ctx.ds.getAppByName(upper)).name, upper);
    assert.equal((await ctx.ds.getAppByName(lower)).name, lower);
  });

  it('rejects invalid apps with Fn messages', async () => {
    await rejectsWith(ctx.ds.insertApp({ name: '' }), 400, 'Missing Name');
    await rejectsWith(ctx.ds.insertApp({ name: 'has space' }), 400, 'Invalid app name');
    await rejectsWith(
      ctx.ds.insertApp({ name: 'a'.repeat(256) }),
      400,
      'App name must be 255 characters or less',
    );
    await rejectsWith(ctx.ds.insertApp({ name: uniq('a'), shape: 'BIG' }), 400, 'Invalid app shape');
    await rejectsWith(
      ctx.ds.insertApp({ name: uniq('a'), syslog_url: 'http://x' }),
      400,
      'invalid syslog url: "http://x" invalid scheme, only [tcp, udp, unix, unixgram, tcp+tls] are supported',
    );
    await rejectsWith(
      ctx.ds.insertApp({ name: uniq('a'), annotations: { 'a b': 1 } }),
      400,
      'Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace',
    );
    await rejectsWith(
      ctx.ds.insertApp({ name: uniq('a'), annotations: { k: '' } }),
      400,
      'Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays',
    );
  });

  it('refuses a duplicate name with 409', async () => {
    const name = uniq('dup');
    await ctx.ds.insertApp({ name });
    await rejectsWith(ctx.ds.insertApp({ name }), 409, 'App already exists');
  });

  it('merges config and annotations on update; an empty value deletes a key', async () => {
    const app = await ctx.ds.insertApp({
      name: uniq('u'),
      config: { A: '1', B: '2' },
      annotations: { x: 1, y: 2 },
    });
    await tick();
    const updated = await ctx.ds.updateApp(app.id, {
      config: { A: '', C: '3' },
      annotations: { x: '', z: 'new' },
    });
    assert.deepEqual(updated.config, { B: '2', C: '3' });
    assert.deepEqual(updated.annotations, { y: 2, z: 'new' });
    assert.equal(updated.name, app.name);
    assert.equal(updated.created_at, app.created_at);
    assert.ok(updated.updated_at > app.updated_at, 'updated_at bumped');
    assert.deepEqual(await ctx.ds.getAppById(app.id), updated);

    const emptied = await ctx.ds.updateApp(app.id, {
      config: { B: '', C: '' },
      annotations: { y: null, z: '' },
    });
    assert.equal('config' in emptied, false);
    assert.equal('annotations' in emptied, false);
    assert.deepEqual(await ctx.ds.getAppById(app.id), emptied);
  });

  it('bumps updated_at only on a real change', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('u'), config: { A: '1' }, annotations: { x: 1 } });
    await tick();
    const same = await ctx.ds.updateApp(app.id, { config: { A: '1' }, annotations: { x: 1 } });
    assert.equal(same.updated_at, app.updated_at);
    assert.deepEqual(await ctx.ds.getAppById(app.id), app);
    await tick();
    const changed = await ctx.ds.updateApp(app.id, { syslog_url: 'udp://127.0.0.1:514' });
    assert.ok(changed.updated_at > app.updated_at);
    assert.equal(changed.syslog_url, 'udp://127.0.0.1:514');
    const cleared = await ctx.ds.updateApp(app.id, { syslog_url: '' });
    assert.equal('syslog_url' in cleared, false);
    assert.equal('syslog_url' in (await ctx.ds.getAppById(app.id)), false);
  });

  it('rejects a bad update and keeps the stored app', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('u') });
    await rejectsWith(
      ctx.ds.updateApp(app.id, { syslog_url: 'ftp://x' }),
      400,
      'invalid syslog url: "ftp://x" invalid scheme, only [tcp, udp, unix, unixgram, tcp+tls] are supported',
    );
    assert.deepEqual(await ctx.ds.getAppById(app.id), app);
    await rejectsWith(
      ctx.ds.updateApp('0000000000000000000000000Z', { config: { A: '1' } }),
      404,
      'App not found',
    );
  });

  it('answers 404 for unknown apps', async () => {
    await rejectsWith(ctx.ds.getAppById('0000000000000000000000000Z'), 404, 'App not found');
    await rejectsWith(ctx.ds.getAppByName(uniq('missing')), 404, 'App not found');
    await rejectsWith(ctx.ds.removeApp('0000000000000000000000000Z'), 404, 'App not found');
  });

  it('lists every app by name through several pages', async () => {
    for (const n of ['B', 'a', 'c', 'A', 'b', '_', '-']) await ctx.ds.insertApp({ name: uniq(`p${n}`) });
    const seen: App[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await ctx.ds.getApps({ perPage: 3, ...(cursor && { cursor }) });
      pages++;
      seen.push(...page.items);
      if (page.nextCursor === undefined) {
        assert.ok(page.items.length < 3, 'no cursor only on a short page');
        break;
      }
      assert.equal(page.items.length, 3);
      assert.equal(page.nextCursor, Buffer.from(page.items[2]!.name).toString('base64url'));
      cursor = page.nextCursor;
    }
    assert.ok(pages >= 3);
    const names = seen.map((a) => a.name);
    const bytewise = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(names, bytewise);
    assert.equal(new Set(names).size, names.length);
  });

  it('filters apps by exact name', async () => {
    const name = uniq('f');
    await ctx.ds.insertApp({ name });
    const one = await ctx.ds.getApps({ perPage: 5, name });
    assert.deepEqual(
      one.items.map((a) => a.name),
      [name],
    );
    assert.equal(one.nextCursor, undefined);
    const full = await ctx.ds.getApps({ perPage: 1, name });
    assert.ok(full.nextCursor !== undefined, 'a full page has a cursor');
    const after = await ctx.ds.getApps({ perPage: 1, name, cursor: full.nextCursor });
    assert.deepEqual(after, { items: [] });
    assert.deepEqual(await ctx.ds.getApps({ perPage: 5, name: `${name}x` }), { items: [] });
  });

  it('rejects a malformed cursor with 400', async () => {
    await rejectsWith(ctx.ds.getApps({ perPage: 5, cursor: '!!' }), 400, 'Invalid cursor');
  });

  it('removes an app with its fns, triggers and routes', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('rm') });
    const fn = await ctx.ds.insertFn({ app_id: app.id, name: 'f', image: 'img:1' });
    const trigger = await ctx.ds.insertTrigger({
      app_id: app.id,
      fn_id: fn.id,
      name: 't',
      type: 'http',
      source: '/t',
    });
    await ctx.ds.insertRoute(newRoute(app.id, '/r'));
    await ctx.ds.removeApp(app.id);
    await rejectsWith(ctx.ds.getAppById(app.id), 404, 'App not found');
    await rejectsWith(ctx.ds.getFnById(fn.id), 404, 'Fn not found');
    await rejectsWith(ctx.ds.getTriggerById(trigger.id), 404, 'Trigger not found');
    await rejectsWith(ctx.ds.getRoute(app.id, '/r'), 404, 'Route not found');
    await rejectsWith(ctx.ds.removeApp(app.id), 404, 'App not found');
    const again = await ctx.ds.insertApp({ name: app.name });
    assert.notEqual(again.id, app.id);
  });
});
