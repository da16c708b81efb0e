import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createInvalidationBus, type InvalidationBus } from '../../src/cluster/index.js';
import { eventually } from '../helpers/fnode.js';
import { type FreshDatabase, freshPgDatabase, pgUnavailable } from '../helpers/databases.js';

const pgDown = await pgUnavailable();

describe('the PostgreSQL invalidation bus', {
  skip: process.env['CI'] === 'true' ? false : pgDown && `PostgreSQL unreachable: ${pgDown}`,
}, () => {
  let db: FreshDatabase;
  const buses: InvalidationBus[] = [];
  before(async () => {
    db = await freshPgDatabase('fnode_bus');
  });
  after(async () => {
    for (const b of buses) await b.close();
    await db?.drop();
  });

  const bus = async (nodeId: string, onInvalidate: () => void) => {
    const made = await createInvalidationBus(
      { mqUrl: db.url, dbUrl: db.url },
      { nodeId, onInvalidate, onError: (err) => assert.fail(String(err)) },
    );
    assert.ok(made);
    buses.push(made);
    return made;
  };

  // Found while fuzzing the API on PostgreSQL (test/security/): a burst of writes sent a query
  // while another ran on the bus's one connection, which pg deprecates (and pg 9 refuses).
  it('announces a burst of writes without overlapping queries, and the other node hears it', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    let heard = 0;
    await bus('b', () => heard++);
    const a = await bus('a', () => {});
    for (let i = 0; i < 50; i++) a.publish();
    await eventually(() => (heard > 0 ? true : undefined), 5000);
    // The last announcement of the burst arrives too.
    const before = heard;
    a.publish();
    await eventually(() => (heard > before ? true : undefined), 5000);
    process.off('warning', onWarning);
    assert.deepEqual(
      warnings.filter((w) => w.includes('already executing a query')),
      [],
    );
  });
});
