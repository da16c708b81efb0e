import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import type { DialectKind } from '../schema.js';
import { columnTypes, tableOptions } from './column-types.js';

/**
 * Call history at volume (issue 18): calls' shared settings stored once; the status and dead-letter
 * indexes cover only the rows they find (pending calls, dead letters) where the database has
 * partial indexes; an index to expire idempotency claims; on SQLite, calls kept by id (WITHOUT
 * ROWID) in a file that gives freed pages back. Removing calls by age needs no index of its own:
 * ids sort by creation time (models/id.ts), and the primary key finds them on every database.
 */
export function callHistoryMigration(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  const options = tableOptions(kind);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('call_settings')
        .addColumn('id', 'integer', (c) => {
          if (kind === 'postgres') return c.primaryKey().generatedByDefaultAsIdentity();
          if (kind === 'mysql') return c.primaryKey().autoIncrement();
          return c.primaryKey();
        })
        .addColumn('hash', t.hash, (c) => c.notNull())
        .addColumn('settings', t.json, (c) => c.notNull())
        .addUniqueConstraint('call_settings_hash_unique', ['hash'])
        .$call(options)
        .execute();

      if (kind === 'sqlite') {
        await rebuildSqliteCalls(db);
      } else {
        await db.schema.alterTable('calls').addColumn('settings_id', t.integer).execute();
      }
      // MySQL/MariaDB have no partial indexes: theirs stay as they are.
      if (kind === 'postgres') {
        await db.schema.dropIndex('calls_status_idx').execute();
        await db.schema.dropIndex('calls_fn_id_dead_letter_idx').execute();
        await partialIndexes(db);
      }
      await db.schema
        .createIndex('idempotency_keys_created_at_idx')
        .on('idempotency_keys')
        .columns(['created_at'])
        .execute();
      if (kind === 'sqlite') await incrementalAutoVacuum(db);
    },
  };
}

/**
 * The predicates of the partial indexes: a query must carry the same text for SQLite to use them
 * (it does not prove `status in (?, ?)` implies them).
 */
export const PendingStatusesSql = "status in ('delayed', 'queued', 'running')";
export const DeadLetterSql = 'dead_letter = 1';

/** Pending calls (the runner's reconcile scan) and dead letters: few rows of a large table. */
async function partialIndexes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('calls_pending_idx')
    .on('calls')
    .columns(['status'])
    .where(sql.raw<boolean>(PendingStatusesSql))
    .execute();
  await db.schema
    .createIndex('calls_dead_letters_idx')
    .on('calls')
    .columns(['fn_id', 'id'])
    .where(sql.raw<boolean>(DeadLetterSql))
    .execute();
}

/** The columns of `calls` after migrations 0001 and 0002, in their order, with `settings_id`. */
const SQLITE_CALL_COLUMNS: readonly [string, string][] = [
  ['id', 'varchar(64) not null primary key'],
  ['status', 'varchar(32) not null'],
  ['app_id', 'varchar(64) not null'],
  ['app_name', 'varchar(255) not null'],
  ['fn_id', 'varchar(64) not null'],
  ['trigger_id', 'varchar(64) not null'],
  ['path', 'text'],
  ['image', 'text'],
  ['type', 'varchar(32)'],
  ['format', 'varchar(32)'],
  ['memory', 'integer'],
  ['cpus', 'varchar(32)'],
  ['timeout', 'integer'],
  ['idle_timeout', 'integer'],
  ['priority', 'integer'],
  ['config', 'text'],
  ['headers', 'text'],
  ['method', 'varchar(32)'],
  ['url', 'text'],
  ['payload', 'text'],
  ['created_at', 'varchar(32) not null'],
  ['started_at', 'varchar(32)'],
  ['completed_at', 'varchar(32)'],
  ['stats', 'text'],
  ['error', 'text'],
  ['reason', 'varchar(32)'],
  ['execution_duration', 'bigint'],
  ['attempt', 'integer'],
  ['runs', 'integer'],
  ['retry_of', 'varchar(64)'],
  ['event_at', 'varchar(32)'],
  ['run_at', 'varchar(32)'],
  ['dead_letter', 'integer'],
  ['payload_encoding', 'varchar(32)'],
  ['settings_id', 'integer'],
];

/**
 * SQLite: `calls` becomes a WITHOUT ROWID table, its rows kept in the primary key's order: no
 * separate index of ids (40 bytes a call) and no rowid in the other indexes. Its rows are
 * copied over in one transaction (on a large file, a one-time wait at the first start).
 */
async function rebuildSqliteCalls(db: Kysely<unknown>): Promise<void> {
  const columns = SQLITE_CALL_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
  const copied = SQLITE_CALL_COLUMNS.filter(([name]) => name !== 'settings_id')
    .map(([name]) => name)
    .join(', ');
  await sql`begin immediate`.execute(db);
  try {
    await sql.raw(`create table calls_by_id (${columns}) without rowid`).execute(db);
    await sql.raw(`insert into calls_by_id (${copied}) select ${copied} from calls`).execute(db);
    await sql`drop table calls`.execute(db);
    await sql`alter table calls_by_id rename to calls`.execute(db);
    await db.schema.createIndex('calls_fn_id_id_idx').on('calls').columns(['fn_id', 'id']).execute();
    await db.schema.createIndex('calls_app_id_id_idx').on('calls').columns(['app_id', 'id']).execute();
    await partialIndexes(db);
    await sql`commit`.execute(db);
  } catch (err) {
    await sql`rollback`.execute(db);
    throw err;
  }
}

/**
 * New files get incremental auto-vacuum when opened (dialect.ts); an older file needs a VACUUM to
 * switch. Best effort: a file another process holds open stays as it is, and SQLite still reuses
 * its free pages, only without giving them back.
 */
async function incrementalAutoVacuum(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ auto_vacuum: number }>`pragma auto_vacuum`.execute(db);
  if (rows[0]?.auto_vacuum === 2) return;
  await sql`pragma auto_vacuum = incremental`.execute(db);
  await sql`vacuum`.execute(db).catch(() => undefined);
}
