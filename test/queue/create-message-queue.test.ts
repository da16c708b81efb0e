import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDatastore, type Datastore, sqlHandleOf } from '../../src/datastore/index.js';
import { createMessageQueue, SqlMessageQueue } from '../../src/queue/index.js';

describe('createMessageQueue', () => {
  let dir: string;
  let url: string;
  let ds: Datastore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnode-mqf-'));
    url = `sqlite3://${join(dir, 'fn.db')}`;
    ds = await createDatastore(url);
  });
  after(async () => {
    await ds.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function tables(): Promise<string[]> {
    const handle = sqlHandleOf(ds);
    assert.ok(handle);
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
      handle.db,
    );
    return rows.map((r) => r.name);
  }

  it('shares the datastore connection for its own url or an empty one; close leaves it open', async () => {
    for (const same of [url, '', `sqlite:///${join(dir, 'fn.db')}`]) {
      const mq = await createMessageQueue(same, { datastore: ds });
      assert.ok(mq instanceof SqlMessageQueue);
      await mq.push({ id: 'shared', priority: 1 });
      assert.equal(await mq.remove('shared'), true);
      await mq.close();
      assert.deepEqual(
        (await ds.getApps({ perPage: 10 })).items,
        [],
        `datastore closed by the queue of "${same}"`,
      );
    }
    const names = await tables();
    for (const t of ['mq_jobs', 'fnode_queue_migrations', 'fnode_datastore_migrations']) {
      assert.ok(names.includes(t), `${t} in ${names.join(', ')}`);
    }
  });

  it('opens its own connection for another database', async () => {
    const mq = await createMessageQueue(`sqlite3://${join(dir, 'queue.db')}`, { datastore: ds });
    await mq.push({ id: 'own', priority: 0 });
    assert.equal((await mq.reserve(1000))?.job.id, 'own');
    await mq.close();
    assert.deepEqual((await ds.getApps({ perPage: 10 })).items, []);
  });

  it('rejects an empty url without a datastore, a bad scheme and an unreachable redis', async () => {
    await assert.rejects(createMessageQueue(''), /needs a SQL datastore/);
    await assert.rejects(createMessageQueue('amqp://localhost'), /unsupported database url scheme "amqp"/);
    await assert.rejects(createMessageQueue('redis://127.0.0.1:1/0'), /cannot reach the redis queue/);
  });
});
