import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectKind } from '../schema.js';
import { columnTypes, tableOptions } from './column-types.js';

/**
 * Call history at volume (issue 18): calls' shared settings stored once; the status and dead-letter
 * indexes cover only the rows they find (pending calls, dead letters) where the database has
 * partial indexes; an index to expire idempotency claims; SQLite files that give freed pages back.
 * Removing calls by age needs no index of its own: ids sort by creation time (models/id.ts).
 */
export function callHistoryMigration(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  const options = tableOptions(kind);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('calls').addColumn('settings_id', t.integer).execute();
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

      // MySQL/MariaDB have no partial indexes: theirs stay as they are.
      if (kind !== 'mysql') {
        await db.schema.dropIndex('calls_status_idx').execute();
        await db.schema
          .createIndex('calls_pending_idx')
          .on('calls')
          .columns(['status'])
          .where(sql.raw<boolean>(PendingStatusesSql))
          .execute();
        await db.schema.dropIndex('calls_fn_id_dead_letter_idx').execute();
        await db.schema
          .createIndex('calls_dead_letters_idx')
          .on('calls')
          .columns(['fn_id', 'id'])
          .where(sql.raw<boolean>(DeadLetterSql))
          .execute();
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
