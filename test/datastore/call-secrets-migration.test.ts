import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { createDatastore, sqlHandleOf } from '../../src/datastore/index.js';
import type { Database } from '../../src/datastore/sql/schema.js';
import { scrubCallSecrets } from '../../src/datastore/sql/migrations/0005-call-secrets.js';
import { type Call, newId } from '../../src/models/index.js';
import type { Kysely } from 'kysely';
import { tablesHolding } from '../helpers/table-scan.js';
import { describeEachDialect, uniq } from './dialects.js';

/**
 * Migration 0004: async calls stored by an earlier version kept the app's and fn's config and the
 * client's credential headers; after it, no table but apps, fns and routes holds them, and the
 * calls keep everything else.
 */
describeEachDialect('migration 0004 removes the secrets of stored calls', (ctx) => {
  it('drops config (in the row or its shared settings) and credential headers, keeps the rest', async () => {
    const secret = (what: string) => `${what}-${randomBytes(6).toString('hex')}`;
    const [token, cookie, config] = [secret('token'), secret('cookie'), secret('config')];
    const fnId = uniq('fn');
    const old = (over: Partial<Call>): Call => ({
      id: newId(),
      status: 'success',
      app_id: 'APP',
      app_name: 'my-app',
      fn_id: fnId,
      trigger_id: '',
      type: 'async',
      image: 'img:1',
      config: { SECRET: config },
      created_at: new Date().toISOString(),
      ...over,
    });
    const viaInvoke = old({
      headers: { authorization: [`Bearer ${token}`], cookie: [`sid=${cookie}`], 'x-custom': ['kept'] },
    });
    const viaTrigger = old({
      headers: { 'Fn-Http-H-Authorization': [`Bearer ${token}`], 'Fn-Intent': ['httprequest'] },
    });
    const onlySecrets = old({ headers: { Authorization: [token] } });
    const plain = old({ headers: { 'x-custom': ['kept'] } });
    await ctx.ds.insertCalls([viaInvoke, viaTrigger, onlySecrets, plain]);
    for (const s of [token, cookie, config]) assert.notDeepEqual(await tablesHolding(ctx.ds, s, []), [], s);

    const handle = sqlHandleOf(ctx.ds);
    assert.ok(handle);
    await scrubCallSecrets(handle.db as Kysely<Database>);

    for (const s of [token, cookie, config]) assert.deepEqual(await tablesHolding(ctx.ds, s, []), [], s);
    // A store that has not read these calls' settings yet, as after the upgrade's restart.
    const fresh = await createDatastore(ctx.url);
    try {
      const strip = ({ config: _c, headers: _h, ...rest }: Call) => rest;
      const read = async (c: Call) => fresh.getCallById(c.id);
      assert.deepEqual(await read(viaInvoke), { ...strip(viaInvoke), headers: { 'x-custom': ['kept'] } });
      assert.deepEqual(await read(viaTrigger), {
        ...strip(viaTrigger),
        headers: { 'Fn-Intent': ['httprequest'] },
      });
      assert.deepEqual(await read(onlySecrets), strip(onlySecrets));
      assert.deepEqual(await read(plain), { ...strip(plain), headers: { 'x-custom': ['kept'] } });
    } finally {
      await fresh.close();
    }
  });
});
