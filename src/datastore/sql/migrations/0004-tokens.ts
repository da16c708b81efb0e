import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { columnTypes, sortKey, tableOptions } from './column-types.js';

/** API tokens (secure by default): a name, a scope, an optional app and expiry, a hash of the secret. */
export function tokensMigration(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  const sorted = sortKey(kind);
  const options = tableOptions(kind);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tokens')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('name', t.name, (c) => c.notNull())
        .addColumn('scope', t.short, (c) => c.notNull())
        .addColumn('app_id', t.id)
        .addColumn('hash', t.hash, (c) => c.notNull().unique())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time)
        .addColumn('last_used_at', t.time)
        .$call(options)
        .execute();
    },
  };
}
