import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatastore, type Datastore, decorate } from '../../src/datastore/index.js';
import { LookupCache } from '../../src/invoke/index.js';

describe('LookupCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-lookups-'));
  let ds: Datastore;
  let reads = 0;
  let counted: Datastore;
  let appId: string;
  before(async () => {
    ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
    counted = decorate(ds, {
      getFnById: (id: string) => {
        reads++;
        return ds.getFnById(id);
      },
    });
    appId = (await ds.insertApp({ name: 'lookups' })).id;
  });
  after(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares one read among concurrent misses and keeps the value for its TTL', async () => {
    let now = 1000; // lru-cache counts a start time of 0 as "never set"
    const cache = new LookupCache(counted, 5000, () => now);
    const fn = await ds.insertFn({ app_id: appId, name: 'shared', image: 'i' });
    reads = 0;
    const all = await Promise.all([cache.fn(fn.id), cache.fn(fn.id), cache.fn(fn.id)]);
    assert.ok(all.every((f) => f.id === fn.id));
    assert.equal(reads, 1);
    assert.equal(cache.loadedFn(fn.id)?.id, fn.id);
    now = 5999;
    await cache.fn(fn.id);
    assert.equal(reads, 1, 'within the TTL');
    now = 6001;
    assert.equal(cache.loadedFn(fn.id), undefined, 'expired');
    await cache.fn(fn.id);
    assert.equal(reads, 2);
  });

  it('does not keep a miss, nor a read that was in flight when it was cleared', async () => {
    const cache = new LookupCache(counted);
    const missing = '0000000000000000000000000Z';
    await assert.rejects(cache.fn(missing), /Fn not found/);
    await assert.rejects(cache.fn(missing), /Fn not found/);
    const fn = await ds.insertFn({ app_id: appId, name: 'cleared', image: 'i' });
    const inFlight = cache.fn(fn.id);
    cache.invalidate();
    assert.equal((await inFlight).id, fn.id, 'the caller still gets its answer');
    assert.equal(cache.loadedFn(fn.id), undefined, 'but it is not kept');
  });
});
