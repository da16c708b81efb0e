// The SQL queue on an injected clock: exact backlog ages and reservations that run out without
// waiting, on each SQL dialect.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDbUrl } from '../../src/sql/index.js';
import { SqlMessageQueue } from '../../src/queue/index.js';
import {
  type FreshDatabase,
  freshMysqlDatabase,
  freshPgDatabase,
  mysqlUnavailable,
  pgUnavailable,
} from '../helpers/databases.js';

interface Dialect {
  name: string;
  unavailable: string | undefined;
  create(): Promise<FreshDatabase>;
}

const DIALECTS: Dialect[] = [
  {
    name: 'sqlite',
    unavailable: undefined,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'fnode-mqc-'));
      return {
        url: `sqlite3://${join(dir, 'fn.db')}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  { name: 'postgres', unavailable: await pgUnavailable(), create: () => freshPgDatabase('fnode_qc') },
  { name: 'mariadb', unavailable: await mysqlUnavailable(), create: () => freshMysqlDatabase('fnode_qc') },
];

for (const d of DIALECTS) {
  describe(`sql queue on an injected clock [${d.name}]`, {
    skip: process.env['CI'] !== 'true' && d.unavailable,
  }, () => {
    let db: FreshDatabase;
    let mq: SqlMessageQueue;
    let clock = 1_000_000;

    before(async () => {
      db = await d.create();
      mq = await SqlMessageQueue.open(parseDbUrl(db.url), { now: () => clock });
    });
    after(async () => {
      await mq?.close();
      await db?.drop();
    });

    it('reports the backlog exactly as jobs are pushed, delayed, reserved, run out and deleted', async () => {
      await mq.push({ id: 'a', priority: 1 });
      clock += 500;
      await mq.push({ id: 'b', priority: 2 });
      await mq.push({ id: 'c', priority: 2 }, 1000);
      clock += 500;
      assert.deepEqual(await mq.backlog(), { ready: 2, delayed: 1, oldestReadyAgeMs: 1000 });

      const [rb] = await mq.reserveMany(1, 100);
      assert.equal(rb?.job.id, 'b');
      assert.deepEqual(await mq.backlog(), { ready: 1, delayed: 1, oldestReadyAgeMs: 1000 });
      const ra = await mq.reserve(100);
      assert.equal(ra?.job.id, 'a');
      assert.deepEqual(await mq.backlog(), { ready: 0, delayed: 1, oldestReadyAgeMs: 0 });

      clock += 200;
      assert.deepEqual(
        await mq.backlog(),
        { ready: 2, delayed: 1, oldestReadyAgeMs: 1200 },
        'expired reservations are ready, aged from when they were first available',
      );
      clock += 400;
      assert.deepEqual(await mq.backlog(), { ready: 3, delayed: 0, oldestReadyAgeMs: 1600 }, 'c fell due');

      const again = await mq.reserveMany(10, 100);
      assert.deepEqual(
        again.map((r) => [r.job.id, r.reservations]),
        [
          ['b', 2],
          ['c', 1],
          ['a', 2],
        ],
        'priority, then push order: the expired reservations are back at their places',
      );
      const held = await mq.deleteMany([rb!, ra!]);
      assert.deepEqual([...held].sort(), ['a', 'b'], 'the first reservations are stale');
      assert.deepEqual(await mq.deleteMany(again), []);
      assert.deepEqual(await mq.backlog(), { ready: 0, delayed: 0, oldestReadyAgeMs: 0 });
    });
  });
}
