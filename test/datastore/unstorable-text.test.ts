import assert from 'node:assert/strict';
import { it } from 'node:test';
import { encodeCursor } from '../../src/models/index.js';
import { describeEachDialect, newRoute, rejectsWith, uniq } from './dialects.js';

// Found by test/security/hostile-input.test.ts on PostgreSQL, whose `text` cannot hold U+0000:
// `GET /v2/apps?name=a%00`, `/t/{app}/a%00`, `/r/{app}/a%00`, `PUT /v1/apps/{app}/routes/a%00`
// and a cursor decoding to `a\0` were 500s there. No entity holds U+0000 on any datastore: a key
// holding it names nothing, a route path holding it is malformed.
describeEachDialect('datastore keys holding U+0000', (ctx) => {
  const NUL = 'a\u0000b';

  it('name nothing: lookups answer not found, lists are empty', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('app') });
    const fn = await ctx.ds.insertFn({ app_id: app.id, name: uniq('fn'), image: 'img:1' });
    await ctx.ds.insertRoute(newRoute(app.id, '/a'));
    await rejectsWith(ctx.ds.getAppByName(NUL), 404, 'App not found');
    assert.deepEqual(await ctx.ds.getApps({ name: NUL, perPage: 30 }), { items: [] });
    assert.deepEqual(await ctx.ds.getFns({ appId: app.id, name: NUL, perPage: 30 }), { items: [] });
    assert.deepEqual(await ctx.ds.getTriggers({ appId: app.id, fnId: fn.id, name: NUL, perPage: 30 }), {
      items: [],
    });
    await rejectsWith(ctx.ds.getTriggerBySource(app.id, 'http', `/${NUL}`), 404, 'Trigger not found');
    await rejectsWith(ctx.ds.getTriggerBySource(app.id, NUL, '/a'), 404, 'Trigger not found');
    await rejectsWith(ctx.ds.getRoute(app.id, `/${NUL}`), 404, 'Route not found');
    await rejectsWith(ctx.ds.updateRoute(app.id, `/${NUL}`, { memory: 256 }), 404, 'Route not found');
    await rejectsWith(ctx.ds.removeRoute(app.id, `/${NUL}`), 404, 'Route not found');
    assert.deepEqual(await ctx.ds.getRoutesByApp(app.id, { image: NUL, perPage: 30 }), { items: [] });
    assert.deepEqual(await ctx.ds.getCalls({ appId: app.id, path: `/${NUL}`, perPage: 30 }), { items: [] });
  });

  it('make a cursor invalid and a route path malformed', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('app') });
    await rejectsWith(ctx.ds.getApps({ cursor: encodeCursor(NUL), perPage: 30 }), 400, 'Invalid cursor');
    await rejectsWith(ctx.ds.insertRoute(newRoute(app.id, `/${NUL}`)), 400, 'Path malformed');
    await rejectsWith(ctx.ds.insertRoute(newRoute(app.id, '/tab\there')), 400, 'Path malformed');
  });
});
