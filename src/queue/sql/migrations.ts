import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { sql } from 'kysely';
import type { DialectKind } from '../../sql/index.js';

/** Kysely's bookkeeping tables for the queue, apart from the datastore's own. */
export const QueueMigrationTable = 'fnode_queue_migrations';
export const QueueMigrationLockTable = 'fnode_queue_migrations_lock';

/** Every queue migration, in order, as a static list. Never edit a released one; add the next. */
export function queueMigrationProvider(kind: DialectKind): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return { '0001-mq-jobs': mqJobsMigration(kind) };
    },
  };
}

function mqJobsMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('mq_jobs')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) => {
          if (kind === 'postgres') return c.generatedByDefaultAsIdentity();
          // MySQL wants an auto-increment column to lead a key; SQLite reads max(seq) from it.
          if (kind === 'mysql') return c.notNull().autoIncrement().unique();
          return c.notNull().unique();
        })
        .addColumn('available_at', 'bigint', (c) => c.notNull())
        .addColumn('reserved_until', 'bigint')
        .addColumn('token', 'varchar(64)')
        .addColumn('reservations', 'integer', (c) => c.notNull().defaultTo(0))
        .$call((t) =>
          kind === 'mysql'
            ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
            : t,
        )
        .execute();
      // The reserve scan: the head of the queue in order, with what decides visibility in the
      // index. No index on available_at alone: with one, SQLite sorted the whole due backlog on
      // every reserve instead of reading this one from the head.
      await db.schema
        .createIndex('mq_jobs_head')
        .on('mq_jobs')
        .columns(['priority desc', 'seq', 'available_at', 'reserved_until'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('mq_jobs').execute();
    },
  };
}
