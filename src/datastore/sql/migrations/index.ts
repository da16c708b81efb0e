import type { Migration, MigrationProvider } from 'kysely';
import type { DialectKind } from '../schema.js';
import { initialMigration } from './0001-initial.js';
import { asyncCallsMigration } from './0002-async-calls.js';
import { callHistoryMigration } from './0003-call-history.js';
import { tokensMigration } from './0004-tokens.js';
import { callSecretsMigration } from './0005-call-secrets.js';

/** Kysely's bookkeeping tables for this module, apart from any other module's migrations. */
export const MigrationTable = 'fnode_datastore_migrations';
export const MigrationLockTable = 'fnode_datastore_migrations_lock';

/**
 * Every migration, in order, as a static list: no file-system scanning, so they run the same
 * from `dist/` and under tsx. Never edit a released migration; add the next one.
 */
export function migrationProvider(kind: DialectKind): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial': initialMigration(kind),
        '0002-async-calls': asyncCallsMigration(kind),
        '0003-call-history': callHistoryMigration(kind),
        '0004-tokens': tokensMigration(kind),
        '0005-call-secrets': callSecretsMigration(),
      };
    },
  };
}
