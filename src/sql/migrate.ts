import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import type { DialectKind } from './db-url.js';

const SQLITE_MIGRATION_ATTEMPTS = 5;
const SQLITE_MIGRATION_RETRY_MSECS = 50;

export interface MigrationSet {
  provider: MigrationProvider;
  /** Each module keeps its own history and lock tables. */
  table: string;
  lockTable: string;
  /** Names the module in the error, e.g. `datastore` or `queue`. */
  label: string;
}

/**
 * Runs a module's migrations to the latest. PostgreSQL and MySQL serialise concurrent starts
 * under Kysely's migration lock; Kysely takes no lock on SQLite, where a second process may lose
 * the race inside its (rolled back) migration transaction: it tries again and then finds the
 * schema up to date.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on any module's schema
export async function runMigrations(db: Kysely<any>, kind: DialectKind, set: MigrationSet): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: set.provider,
    migrationTableName: set.table,
    migrationLockTableName: set.lockTable,
  });
  const attempts = kind === 'sqlite' ? SQLITE_MIGRATION_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (attempt < attempts) {
      await delay(SQLITE_MIGRATION_RETRY_MSECS * attempt);
      continue;
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${set.label} migration ${failed ?? ''} failed: ${reason}`, { cause: error });
  }
}
