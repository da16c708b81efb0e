import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { describeEachDialect, rejectsWith } from './dialects.js';

const hashOf = () => createHash('sha256').update(randomBytes(32)).digest('hex');

describeEachDialect('datastore tokens', (ctx) => {
  it('stores a token by the hash of its secret and finds it by that hash only', async () => {
    const hash = hashOf();
    const t = await ctx.ds.insertToken({ name: 'ci', scope: 'deploy', hash });
    assert.match(t.id, /^[0-9A-Z]{26}$/);
    assert.equal(t.name, 'ci');
    assert.equal(t.scope, 'deploy');
    assert.equal('app_id' in t, false);
    assert.equal('expires_at' in t, false);
    assert.equal('last_used_at' in t, false);
    assert.equal('hash' in t, false, 'the hash never leaves the datastore');
    assert.deepEqual(await ctx.ds.getTokenByHash(hash), t);
    assert.equal(await ctx.ds.getTokenByHash(hashOf()), undefined);
  });

  it('keeps the app a token is limited to and its expiry', async () => {
    const app = await ctx.ds.insertApp({ name: `tok-${randomBytes(4).toString('hex')}` });
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const hash = hashOf();
    const t = await ctx.ds.insertToken({
      name: 'one app',
      scope: 'invoke',
      app_id: app.id,
      expires_at: expires,
      hash,
    });
    const read = await ctx.ds.getTokenByHash(hash);
    assert.equal(read?.app_id, app.id);
    assert.equal(read?.expires_at, expires);
    assert.ok((await ctx.ds.listTokens()).some((x) => x.id === t.id));
  });

  it('lists, counts, marks used and removes tokens', async () => {
    const before = await ctx.ds.countTokens();
    const a = await ctx.ds.insertToken({ name: 'a', scope: 'read', hash: hashOf() });
    const b = await ctx.ds.insertToken({ name: 'b', scope: 'admin', hash: hashOf() });
    assert.equal(await ctx.ds.countTokens(), before + 2);
    const ids = (await ctx.ds.listTokens()).map((t) => t.id);
    assert.ok(ids.indexOf(a.id) < ids.indexOf(b.id), 'oldest first');
    const at = new Date().toISOString();
    await ctx.ds.markTokensUsed([a.id], at);
    const listed = await ctx.ds.listTokens();
    assert.equal(listed.find((t) => t.id === a.id)?.last_used_at, at);
    assert.equal(listed.find((t) => t.id === b.id)?.last_used_at, undefined);
    await ctx.ds.removeToken(a.id);
    assert.equal(await ctx.ds.countTokens(), before + 1);
    await rejectsWith(ctx.ds.removeToken(a.id), 404, 'Token not found');
  });

  it('refuses two tokens with the same hash', async () => {
    const hash = hashOf();
    await ctx.ds.insertToken({ name: 'x', scope: 'read', hash });
    await assert.rejects(ctx.ds.insertToken({ name: 'y', scope: 'read', hash }));
  });
});
