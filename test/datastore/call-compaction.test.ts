import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { createDatastore, type Datastore, sqlHandleOf } from '../../src/datastore/index.js';
import { createDialect, parseDbUrl, runMigrations } from '../../src/sql/index.js';
import { initialMigration } from '../../src/datastore/sql/migrations/0001-initial.js';
import { asyncCallsMigration } from '../../src/datastore/sql/migrations/0002-async-calls.js';
import { MigrationLockTable, MigrationTable } from '../../src/datastore/sql/migrations/index.js';
import { type Call, newId, type StatsPoint } from '../../src/models/index.js';
import { describeEachDialect, uniq } from './dialects.js';

const metrics = (n: number) => ({
  net_rx: 0,
  net_tx: n,
  mem_limit: 134_217_728,
  mem_usage: 10_944_512 + n,
  disk_read: 0,
  disk_write: 4096,
  cpu_user: 2,
  cpu_total: 3.5,
  cpu_kernel: 0,
});

function syncCall(fnId: string, over: Partial<Call> = {}): Call {
  const created = Date.now();
  return {
    id: newId(),
    status: 'success',
    app_id: 'APP',
    app_name: 'my-app',
    fn_id: fnId,
    trigger_id: '',
    image: 'fnode-test/hello',
    type: 'sync',
    format: 'http-stream',
    memory: 128,
    timeout: 30,
    idle_timeout: 30,
    method: 'POST',
    url: `http://127.0.0.1:8080/invoke/${fnId}`,
    created_at: new Date(created).toISOString(),
    started_at: new Date(created + 36).toISOString(),
    completed_at: new Date(created + 1042).toISOString(),
    stats: [
      // Docker's nanoseconds (trailing zeros cut, as Go prints them), before and after creation.
      { timestamp: new Date(created - 900).toISOString().replace('Z', '844724Z'), metrics: metrics(1) },
      { timestamp: new Date(created + 100).toISOString().replace(/\.\d+Z$/, '.2388Z'), metrics: metrics(2) },
      { timestamp: new Date(created + 2000).toISOString().replace(/\.\d+Z$/, 'Z'), metrics: metrics(3) },
    ],
    execution_duration: 1_006_000_000,
    ...over,
  };
}

type Row = Record<string, unknown>;
const rowOf = async (ds: Datastore, id: string): Promise<Row> => {
  const db = sqlHandleOf(ds)!.db as Kysely<{ calls: Row }>;
  return db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
};

describeEachDialect('call records, compactly', (ctx) => {
  it("stores a sync call's settings once, its times and stats compactly, and reads it back as it was", async () => {
    const fnId = uniq('fn');
    const a = syncCall(fnId);
    const b = syncCall(fnId, { status: 'error', error: 'boom', reason: 'bad_exit' });
    // The same sample shared by calls (as a hot container's are), with values of every kind.
    const shared = {
      timestamp: a.stats![0]!.timestamp,
      metrics: { ...metrics(0), cpu_user: 0.1 + 0.2, net_rx: 1e21 },
    };
    const c1 = syncCall(fnId, { stats: [shared] });
    const c2 = syncCall(fnId, {
      stats: [shared],
      created_at: new Date(Date.parse(a.created_at) + 5000).toISOString(),
    });
    await ctx.ds.insertCalls([a, b, c1, c2]);
    for (const c of [a, b, c1, c2]) {
      const read = await ctx.ds.getCallById(c.id);
      assert.deepEqual(read, c);
    }
    const [ra, rb] = [await rowOf(ctx.ds, a.id), await rowOf(ctx.ds, b.id)];
    assert.ok(ra['settings_id'] !== null && ra['settings_id'] === rb['settings_id'], 'one settings row');
    for (const col of ['image', 'format', 'memory', 'timeout', 'idle_timeout', 'method', 'url', 'type']) {
      assert.equal(ra[col], null, `${col} is in the shared settings`);
    }
    assert.equal(ra['started_at'], '+36');
    assert.equal(ra['completed_at'], '+1042');
    assert.match(String(ra['stats']), /^~/);
  });

  it('answers exactly as for a record in the former form, key order included', async () => {
    const fnId = uniq('fn');
    const compact = syncCall(fnId);
    const former = { ...syncCall(fnId), id: newId() };
    await ctx.ds.insertCalls([compact]);
    // What the previous version wrote: every field in its column, times ISO, stats JSON.
    const db = sqlHandleOf(ctx.ds)!.db as Kysely<{ calls: Row }>;
    await db
      .insertInto('calls')
      .values({
        ...Object.fromEntries(Object.entries(former).filter(([k]) => k !== 'stats')),
        stats: JSON.stringify(former.stats),
      })
      .execute();
    const read = await ctx.ds.getCallById(former.id);
    assert.deepEqual(read, former);
    const again = await ctx.ds.getCallById(compact.id);
    assert.deepEqual(Object.keys(again), Object.keys(read));
  });

  it('keeps what has no compact form as it is: odd times and stats, a URL with a query, async calls', async () => {
    const fnId = uniq('fn');
    const odd: StatsPoint[] = [
      { timestamp: 'yesterday', metrics: metrics(1) },
      { timestamp: '2024-01-02T03:04:05.123Z', metrics: { mem_rss: 1 } },
    ];
    const calls = [
      syncCall(fnId, { started_at: '2024-01-02 03:04:05', completed_at: 'soon', stats: odd }),
      syncCall(fnId, { url: 'http://h/t/app/hook?x=1&y=2', stats: [] }),
      syncCall(fnId, {
        type: 'async',
        status: 'queued',
        config: { A: '1' },
        headers: { 'Content-Type': ['text/plain'] },
        payload: 'hi',
        priority: 1,
        cpus: '500m',
        trigger_id: 'TRIGGER',
        app_name: '',
      }),
      {
        id: newId(),
        status: 'queued' as const,
        app_id: '',
        app_name: '',
        fn_id: fnId,
        trigger_id: '',
        created_at: 'now',
      },
    ];
    await ctx.ds.insertCalls(calls);
    for (const c of calls) assert.deepEqual(await ctx.ds.getCallById(c.id), c);
    // Empty config and headers are omitted, as Fn omits them.
    const empty = syncCall(fnId, { type: 'async', status: 'queued', config: {}, headers: {} });
    await ctx.ds.insertCalls([empty]);
    const { config: _c, headers: _h, ...rest } = empty;
    assert.deepEqual(await ctx.ds.getCallById(empty.id), rest);
    assert.equal((await rowOf(ctx.ds, calls[1]!.id))['url'], 'http://h/t/app/hook?x=1&y=2');
    assert.equal(
      (await rowOf(ctx.ds, calls[2]!.id))['type'],
      'async',
      'the runner finds async calls by type',
    );
    assert.equal((await rowOf(ctx.ds, calls[3]!.id))['settings_id'], null);
    // Compare-and-swap rewrites the row in the same form.
    const running = { ...calls[2]!, status: 'running' as const, started_at: new Date().toISOString() };
    await ctx.ds.updateCall(calls[2]!, running);
    assert.deepEqual(await ctx.ds.getCallById(running.id), running);
    const queued = await ctx.ds.getCallsByStatus('async', ['running'], { limit: 100 });
    assert.ok(queued.some((c) => c.id === running.id));
  });

  it('keeps the calls stored before migration 0003, and reads them as they were', async () => {
    const url = await ctx.anotherDatabase();
    const target = parseDbUrl(url);
    const db = new Kysely<{ calls: Row; logs: Row }>({ dialect: await createDialect(target) });
    const before = { ...syncCall(uniq('fn')), dead_letter: true, status: 'error' as const };
    const pending = syncCall(before.fn_id, { status: 'queued', type: 'async' });
    try {
      await runMigrations(db, target.kind, {
        provider: {
          getMigrations: async () => ({
            '0001-initial': initialMigration(target.kind),
            '0002-async-calls': asyncCallsMigration(target.kind),
          }),
        },
        table: MigrationTable,
        lockTable: MigrationLockTable,
        label: 'datastore',
      });
      for (const c of [before, pending]) {
        await db
          .insertInto('calls')
          .values({
            ...Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'stats' && k !== 'dead_letter')),
            stats: JSON.stringify(c.stats),
            dead_letter: c.dead_letter ? 1 : null,
          })
          .execute();
      }
      await db.insertInto('logs').values({ id: before.id, log: 'a line\n' }).execute();
    } finally {
      await db.destroy();
    }
    const ds = await createDatastore(url);
    try {
      assert.deepEqual(await ds.getCallById(before.id), before);
      assert.equal(await ds.getLog(before.id), 'a line\n');
      const dead = await ds.getDeadLetters({ fnId: before.fn_id, perPage: 5 });
      assert.deepEqual(
        dead.items.map((c) => c.id),
        [before.id],
      );
      const queued = await ds.getCallsByStatus('async', ['queued'], { limit: 5 });
      assert.deepEqual(
        queued.map((c) => c.id),
        [pending.id],
      );
    } finally {
      await ds.close();
    }
  });
});

describe('SQLite files give freed pages back', () => {
  it('a new file has incremental auto-vacuum; an older file is switched when migrated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-vacuum-'));
    try {
      const autoVacuum = async (ds: Datastore) => {
        const { rows } = await sql<{ auto_vacuum: number }>`pragma auto_vacuum`.execute(sqlHandleOf(ds)!.db);
        return rows[0]?.auto_vacuum;
      };
      const fresh = await createDatastore(`sqlite3://${join(dir, 'new.db')}`);
      assert.equal(await autoVacuum(fresh), 2);
      await fresh.close();

      const file = join(dir, 'old.db');
      const old = new SqliteDatabase(file);
      old.exec('create table before_fnode (x text)');
      assert.equal(old.pragma('auto_vacuum', { simple: true }), 0);
      old.close();
      const migrated = await createDatastore(`sqlite3://${file}`);
      assert.equal(await autoVacuum(migrated), 2);
      await migrated.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
