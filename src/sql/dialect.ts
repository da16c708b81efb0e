import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import type { Dialect, SqliteDatabase as KyselySqlite } from 'kysely';
import { MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type { DbTarget } from './db-url.js';

const POOL_SIZE = 10;
const SQLITE_BUSY_TIMEOUT_MSECS = 5000;
/** Prepared statements kept per SQLite connection. */
const SQLITE_STATEMENT_CACHE = 256;

/**
 * The Kysely dialect for a parsed database url, with its driver's pool. Each driver is imported
 * here, when its database is named: a server on SQLite never loads pg or mysql2 (memory, start).
 */
export async function createDialect(target: DbTarget): Promise<Dialect> {
  switch (target.kind) {
    case 'sqlite': {
      const { default: Sqlite } = await import('better-sqlite3');
      return new SqliteDialect({ database: withStatementCache(openSqlite(Sqlite, target.file)) });
    }
    case 'postgres': {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: target.connectionString, max: POOL_SIZE });
      // A connection the server ended (a restart, pg_terminate_backend) reports it as an 'error'
      // event: on the pool when idle, on the client while checked out (between the statements of
      // a transaction). Unheard, either would end the process; the pool drops the connection,
      // and a statement in flight fails on its own.
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
      return new PostgresDialect({ pool });
    }
    case 'mysql': {
      const { createPool } = await import('mysql2');
      return new MysqlDialect({
        pool: createPool({
          host: target.host,
          port: target.port,
          socketPath: target.socketPath,
          user: target.user,
          password: target.password,
          database: target.database,
          connectionLimit: POOL_SIZE,
          charset: 'utf8mb4',
        }),
      });
    }
  }
}

/** Opens (creating its directory) a SQLite file in WAL mode with foreign keys enforced. */
function openSqlite(Sqlite: typeof SqliteDatabase, file: string): SqliteDatabase.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Sqlite(file);
  // Takes effect on a new file only (before its first table): freed pages can then be given back
  // with `pragma incremental_vacuum` (migration 0003 switches older files).
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MSECS}`);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Kysely prepares every query anew; on SQLite that is most of a small query's cost (and a
 * batch insert's prepare takes longer than its run). The same SQL text gets its prepared
 * statement back; better-sqlite3 runs synchronously, so a statement is never in two uses at
 * once (Kysely's streaming, the one exception, is not used here).
 */
function withStatementCache(db: SqliteDatabase.Database): KyselySqlite {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (sql) => {
      if (STEPPED_PRAGMA.test(sql)) return steppedToTheEnd(db, sql);
      let stmt = cache.get(sql);
      if (stmt) {
        // Most recently used last, so the first key is the one to drop.
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= SQLITE_STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/** Pragmas that do one unit of work per step (incremental_vacuum frees one page a step). */
const STEPPED_PRAGMA = /^\s*pragma\s+incremental_vacuum\b/i;

/**
 * better-sqlite3's `run()` steps a statement once; `exec()` steps it to the end. Kysely only
 * calls `run()` (for a statement that returns no rows), so such a pragma runs through `exec()`.
 */
function steppedToTheEnd(db: SqliteDatabase.Database, sql: string): SqliteDatabase.Statement {
  const stmt = {
    reader: false,
    run: () => {
      db.exec(sql);
      return { changes: 0, lastInsertRowid: 0 };
    },
  };
  return stmt as unknown as SqliteDatabase.Statement;
}
