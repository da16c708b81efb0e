import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashSecret, newSecret, TokenVerifier } from '../../src/auth/index.js';
import { createDatastore, type Datastore } from '../../src/datastore/index.js';

describe('TokenVerifier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-verifier-'));
  let ds: Datastore;
  let now = Date.parse('2026-06-01T00:00:00Z');
  const clock = () => now;
  before(async () => {
    ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
  });
  after(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a token once its expiry passes on the clock it is given', async () => {
    const secret = newSecret();
    await ds.insertToken({
      name: 't',
      scope: 'read',
      hash: hashSecret(secret),
      expires_at: '2026-06-01T01:00:00.000Z',
    });
    const v = new TokenVerifier({ datastore: ds, clock, usedFlushMs: 3_600_000 });
    assert.equal((await v.verify(secret))?.name, 't');
    now = Date.parse('2026-06-01T01:00:00Z');
    assert.equal(await v.verify(secret), undefined);
    await v.close();
  });

  it('trusts a lookup for its TTL unless invalidated, then asks the datastore again', async () => {
    const secret = newSecret();
    const v = new TokenVerifier({ datastore: ds, clock, ttlMs: 5000, usedFlushMs: 3_600_000 });
    assert.equal(await v.verify(secret), undefined, 'unknown');
    const t = await ds.insertToken({ name: 'late', scope: 'read', hash: hashSecret(secret) });
    assert.equal(await v.verify(secret), undefined, 'the unknown answer is cached');
    now += 5001;
    assert.equal((await v.verify(secret))?.id, t.id, 'asked again after the TTL');
    await ds.removeToken(t.id);
    assert.equal((await v.verify(secret))?.id, t.id, 'cached within the TTL');
    v.invalidate();
    assert.equal(await v.verify(secret), undefined, 'gone once invalidated');
    await v.close();
  });

  it('writes the last-used time in the background, not on verify', async () => {
    const secret = newSecret();
    const t = await ds.insertToken({ name: 'used', scope: 'read', hash: hashSecret(secret) });
    const v = new TokenVerifier({ datastore: ds, clock, usedFlushMs: 3_600_000 });
    await v.verify(secret);
    const before = (await ds.listTokens()).find((x) => x.id === t.id);
    assert.equal(before?.last_used_at, undefined);
    await v.flushUsed();
    const afterFlush = (await ds.listTokens()).find((x) => x.id === t.id);
    assert.equal(afterFlush?.last_used_at, new Date(now).toISOString());
    await v.close();
  });
});
