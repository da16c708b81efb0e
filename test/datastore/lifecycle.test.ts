import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { createDatastore, sqlHandleOf } from '../../src/datastore/index.js';
import { parseDbUrl } from '../../src/sql/index.js';
import { freshPgDatabase, pgUnavailable, withPg } from '../helpers/databases.js';
import { describeEachDialect, uniq } from './dialects.js';

describe('parseDbUrl', () => {
  it('reads Fn’s sqlite forms', () => {
    assert.deepEqual(parseDbUrl('sqlite3:///app/data/fn.db'), { kind: 'sqlite', file: '/app/data/fn.db' });
    assert.deepEqual(parseDbUrl('sqlite:///tmp/x.db?_busy_timeout=1'), { kind: 'sqlite', file: '/tmp/x.db' });
    assert.deepEqual(parseDbUrl('sqlite3://data/fn.db'), {
      kind: 'sqlite',
      file: join(process.cwd(), 'data/fn.db'),
    });
    assert.deepEqual(parseDbUrl('sqlite3://:memory:'), { kind: 'sqlite', file: ':memory:' });
  });

  it('reads postgres and pgx urls', () => {
    const url = 'postgres://u:p@db:5433/fn?sslmode=disable';
    assert.deepEqual(parseDbUrl(url), { kind: 'postgres', connectionString: url });
    assert.deepEqual(parseDbUrl('pgx://u@db/fn'), {
      kind: 'postgres',
      connectionString: 'postgres://u@db/fn',
    });
  });

  it('reads the Go DSN and the url form of mysql', () => {
    assert.deepEqual(parseDbUrl('mysql://root:s3cr@t@tcp(db.local:3307)/funcs?parseTime=true'), {
      kind: 'mysql',
      database: 'funcs',
      user: 'root',
      password: 's3cr@t',
      host: 'db.local',
      port: 3307,
    });
    assert.deepEqual(parseDbUrl('mysql://root@tcp(127.0.0.1)/fn'), {
      kind: 'mysql',
      database: 'fn',
      user: 'root',
      host: '127.0.0.1',
      port: 3306,
    });
    assert.deepEqual(parseDbUrl('mysql://u:p%2Fq@host:3308/fn'), {
      kind: 'mysql',
      database: 'fn',
      user: 'u',
      password: 'p/q',
      host: 'host',
      port: 3308,
    });
    assert.deepEqual(parseDbUrl('mysql://u@unix(/run/mysqld/mysqld.sock)/fn'), {
      kind: 'mysql',
      database: 'fn',
      user: 'u',
      socketPath: '/run/mysqld/mysqld.sock',
    });
  });

  it('refuses unknown or incomplete urls with a clear message', () => {
    assert.throws(() => parseDbUrl('bolt:///x'), /unsupported database url scheme "bolt"/);
    assert.throws(() => parseDbUrl('/just/a/path'), /expected <scheme>:\/\//);
    assert.throws(() => parseDbUrl('mysql://root@tcp(h:1)/'), /missing database name/);
    assert.throws(() => parseDbUrl('sqlite3://'), /missing file path/);
  });
});

describe('createDatastore on sqlite', () => {
  it('creates the directory and opens the file in WAL mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-ds-'));
    try {
      const file = join(dir, 'a', 'b', 'fn.db');
      const ds = await createDatastore(`sqlite3://${file}`);
      await ds.insertApp({ name: 'persisted' });
      await ds.close();
      assert.ok(existsSync(file));
      const raw = new SqliteDatabase(file, { readonly: true });
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      raw.close();
      const again = await createDatastore(`sqlite:///${file}`);
      assert.equal((await again.getAppByName('persisted')).name, 'persisted');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens an in-memory database', async () => {
    const ds = await createDatastore('sqlite3://:memory:');
    assert.equal((await ds.insertApp({ name: 'mem' })).name, 'mem');
    await ds.close();
  });

  it('fails to start on an unreachable server', async () => {
    await assert.rejects(createDatastore('postgres://nobody@127.0.0.1:9/none?connect_timeout=1'));
  });
});

describeEachDialect('datastore start-up', (ctx) => {
  it('lets several processes migrate and share one database', async () => {
    const name = uniq('shared');
    await ctx.ds.insertApp({ name });
    const [a, b] = await Promise.all([createDatastore(ctx.url), createDatastore(ctx.url)]);
    try {
      assert.equal((await a.getAppByName(name)).name, name);
      const fromB = await b.insertApp({ name: uniq('b') });
      assert.deepEqual(await ctx.ds.getAppById(fromB.id), fromB);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('runs the first migration once when several processes start together', async () => {
    const url = await ctx.anotherDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => createDatastore(url)));
    try {
      const app = await stores[0]!.insertApp({ name: 'first' });
      assert.deepEqual(await stores[2]!.getAppByName('first'), app);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('a PostgreSQL datastore whose connections the server ends', {
  skip: (!process.env['CI'] && (await pgUnavailable())) || false,
}, () => {
  it('survives idle connections terminated by the server and serves the next query', async () => {
    const db = await freshPgDatabase('fnode_term');
    const ds = await createDatastore(db.url);
    try {
      const app = await ds.insertApp({ name: 'before' });
      const dbName = new URL(db.url).pathname.slice(1);
      // What a server restart or an administrator does to idle pooled connections.
      const ended = await withPg((c) =>
        c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [dbName]),
      );
      assert.ok((ended.rowCount ?? 0) >= 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(await ds.getAppById(app.id), app);
    } finally {
      await ds.close();
      await db.drop();
    }
  });

  it('fails a transaction whose connection the server ended, and serves the next query', async () => {
    const db = await freshPgDatabase('fnode_term_tx');
    const ds = await createDatastore(db.url);
    try {
      const app = await ds.insertApp({ name: 'before' });
      const handle = sqlHandleOf(ds);
      assert.ok(handle);
      const dbName = new URL(db.url).pathname.slice(1);
      // Ended between two statements, while the transaction holds its connection.
      const tx = handle.db.transaction().execute(async (t) => {
        await sql`select 1`.execute(t);
        await withPg((c) =>
          c.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
            [dbName],
          ),
        );
        await new Promise((r) => setTimeout(r, 200));
        await sql`select 2`.execute(t);
      });
      await assert.rejects(tx);
      assert.deepEqual(await ds.getAppById(app.id), app);
    } finally {
      await ds.close();
      await db.drop();
    }
  });
});
