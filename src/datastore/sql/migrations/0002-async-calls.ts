import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from '../schema.js';
import { columnTypes, sortKey, tableOptions } from './column-types.js';

/**
 * Durable async calls: retry chain, run counter, dead letters on `calls`; Idempotency-Key claims;
 * stored async responses.
 */
export function asyncCallsMigration(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  const sorted = sortKey(kind);
  const options = tableOptions(kind);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // SQLite takes one ADD COLUMN per ALTER TABLE.
      const add: [string, (typeof t)[keyof typeof t]][] = [
        ['attempt', t.integer],
        ['runs', t.integer],
        ['retry_of', t.id],
        ['event_at', t.time],
        ['run_at', t.time],
        ['dead_letter', t.integer],
        ['payload_encoding', t.short],
      ];
      for (const [name, type] of add) await db.schema.alterTable('calls').addColumn(name, type).execute();
      await db.schema.createIndex('calls_status_idx').on('calls').columns(['status']).execute();
      await db.schema
        .createIndex('calls_fn_id_dead_letter_idx')
        .on('calls')
        .columns(['fn_id', 'dead_letter'])
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('fn_id', t.id, (c) => sorted(c).notNull())
        .addColumn('idem_key', t.name, (c) => sorted(c).notNull())
        .addColumn('call_id', t.id, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['fn_id', 'idem_key'])
        .$call(options)
        .execute();

      await db.schema
        .createTable('call_responses')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('status', t.integer, (c) => c.notNull())
        .addColumn('headers', t.json, (c) => c.notNull())
        .addColumn('body', t.long, (c) => c.notNull())
        .addColumn('truncated', t.integer, (c) => c.notNull())
        .$call(options)
        .execute();
    },
  };
}
