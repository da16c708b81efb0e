import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDialect, newRoute, rejectsWith, tick, uniq } from './dialects.js';

describeEachDialect('datastore routes', (ctx) => {
  const app = () => ctx.ds.insertApp({ name: uniq('app') });

  it('applies v1 defaults and omits empty optional fields', async () => {
    const a = await app();
    const r = await ctx.ds.insertRoute(newRoute(a.id, '/hello'));
    assert.deepEqual(
      { memory: r.memory, type: r.type, format: r.format, timeout: r.timeout, idle_timeout: r.idle_timeout },
      { memory: 128, type: 'sync', format: 'default', timeout: 30, idle_timeout: 30 },
    );
    for (const k of ['cpus', 'headers', 'tmpfs_size', 'config', 'annotations'])
      assert.equal(k in r, false, k);
    assert.equal(r.updated_at, r.created_at);
    assert.deepEqual(await ctx.ds.getRoute(a.id, '/hello'), r);
  });

  it('stores every field, and paths of any length', async () => {
    const a = await app();
    const full = {
      ...newRoute(a.id, '/full'),
      memory: 256,
      cpus: '100m',
      headers: { 'X-A': ['1', '2'] },
      type: 'async',
      format: 'http',
      timeout: 3600,
      idle_timeout: 10,
      tmpfs_size: 64,
      config: { K: 'v' },
      annotations: { 'a/b': true },
    };
    const r = await ctx.ds.insertRoute(full);
    assert.deepEqual(await ctx.ds.getRoute(a.id, '/full'), r);
    assert.deepEqual(
      { ...r, created_at: undefined, updated_at: undefined },
      { ...full, created_at: undefined, updated_at: undefined },
    );
    const long = `/${'p'.repeat(3000)}`;
    assert.equal((await ctx.ds.insertRoute(newRoute(a.id, long))).path, long);
    assert.equal((await ctx.ds.getRoute(a.id, long)).path, long);
    await rejectsWith(ctx.ds.insertRoute(newRoute(a.id, long)), 409, 'Route already exists');
  });

  it('rejects invalid or conflicting routes', async () => {
    const a = await app();
    await rejectsWith(ctx.ds.insertRoute(newRoute(a.id, '')), 400, 'Missing route Path');
    await rejectsWith(ctx.ds.insertRoute(newRoute(a.id, 'rel')), 400, 'Invalid route path format');
    await rejectsWith(ctx.ds.insertRoute(newRoute(a.id, '/a/:b')), 400, 'Dynamic URL is not allowed');
    await rejectsWith(ctx.ds.insertRoute(newRoute(a.id, '/x', '')), 400, 'Missing route Image');
    await rejectsWith(
      ctx.ds.insertRoute({ ...newRoute(a.id, '/x'), type: 'batch' }),
      400,
      'Invalid route Type',
    );
    await rejectsWith(ctx.ds.insertRoute(newRoute('0000000000000000000000000Z', '/x')), 404, 'App not found');
    await ctx.ds.insertRoute(newRoute(a.id, '/x'));
    await rejectsWith(ctx.ds.insertRoute(newRoute(a.id, '/x')), 409, 'Route already exists');
    assert.equal((await ctx.ds.insertRoute(newRoute(a.id, '/X'))).path, '/X');
    assert.equal((await ctx.ds.insertRoute(newRoute((await app()).id, '/x'))).path, '/x');
  });

  it('merges config, headers and annotations on update', async () => {
    const a = await app();
    const r = await ctx.ds.insertRoute({
      ...newRoute(a.id, '/u'),
      config: { A: '1', B: '2' },
      headers: { H: ['1'], G: ['2'] },
      annotations: { x: 1 },
    });
    await tick();
    assert.deepEqual(await ctx.ds.updateRoute(a.id, '/u', { image: r.image, config: { A: '1' } }), r);
    await tick();
    const next = await ctx.ds.updateRoute(a.id, '/u', {
      image: 'img:2',
      timeout: 60,
      config: { A: '', C: '3' },
      headers: { H: [], I: ['x'] },
      annotations: { x: '', y: 'z' },
    });
    assert.equal(next.image, 'img:2');
    assert.equal(next.timeout, 60);
    assert.equal(next.memory, 128);
    assert.deepEqual(next.config, { B: '2', C: '3' });
    assert.deepEqual(next.headers, { G: ['2'], I: ['x'] });
    assert.deepEqual(next.annotations, { y: 'z' });
    assert.ok(next.updated_at > r.updated_at);
    assert.deepEqual(await ctx.ds.getRoute(a.id, '/u'), next);
    await rejectsWith(
      ctx.ds.updateRoute(a.id, '/u', { timeout: 121 }),
      400,
      'timeout value is out of range. Sync should be between 0 and 120, async should be between 0 and 3600',
    );
    await rejectsWith(ctx.ds.updateRoute(a.id, '/nope', { image: 'x' }), 404, 'Route not found');
  });

  it('lists by path through several pages, filtered by image', async () => {
    const a = await app();
    for (const p of ['/c', '/a', '/B', '/a/b', '/d', '/e', '/f']) {
      await ctx.ds.insertRoute(newRoute(a.id, p, p === '/d' || p === '/a' ? 'special' : 'img'));
    }
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.ds.getRoutesByApp(a.id, { perPage: 3, ...(cursor && { cursor }) });
      pages.push(page.items.map((r) => r.path));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(pages, [['/B', '/a', '/a/b'], ['/c', '/d', '/e'], ['/f']]);
    const special = await ctx.ds.getRoutesByApp(a.id, { perPage: 3, image: 'special' });
    assert.deepEqual(
      special.items.map((r) => r.path),
      ['/a', '/d'],
    );
    assert.equal(special.nextCursor, undefined);
  });

  it('removes a route', async () => {
    const a = await app();
    await ctx.ds.insertRoute(newRoute(a.id, '/rm'));
    await ctx.ds.removeRoute(a.id, '/rm');
    await rejectsWith(ctx.ds.getRoute(a.id, '/rm'), 404, 'Route not found');
    await rejectsWith(ctx.ds.removeRoute(a.id, '/rm'), 404, 'Route not found');
  });
});
