import type { Kysely, Migration } from 'kysely';
import { UniqueKeys } from '../constraints.js';
import type { DialectKind } from '../schema.js';
import { columnTypes, sortKey, tableOptions } from './column-types.js';

type Keys = typeof UniqueKeys;
const cols = <N extends keyof Keys>(name: N): Keys[N]['columns'][number][] => [...UniqueKeys[name].columns];

/** apps, fns, triggers, routes, calls and logs, with their keys and cascading deletes. */
export function initialMigration(kind: DialectKind): Migration {
  const t = columnTypes(kind);
  const sorted = sortKey(kind);
  const options = tableOptions(kind);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('apps')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('name', t.name, (c) => sorted(c).notNull())
        .addColumn('config', t.json, (c) => c.notNull())
        .addColumn('annotations', t.json, (c) => c.notNull())
        .addColumn('syslog_url', t.text)
        .addColumn('shape', t.short)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('apps_name_unique', cols('apps_name_unique'))
        .$call(options)
        .execute();

      await db.schema
        .createTable('fns')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('app_id', t.id, (c) => sorted(c).notNull())
        .addColumn('name', t.name, (c) => sorted(c).notNull())
        .addColumn('image', t.text, (c) => c.notNull())
        .addColumn('memory', t.integer, (c) => c.notNull())
        .addColumn('timeout', t.integer, (c) => c.notNull())
        .addColumn('idle_timeout', t.integer, (c) => c.notNull())
        .addColumn('config', t.json, (c) => c.notNull())
        .addColumn('annotations', t.json, (c) => c.notNull())
        .addColumn('shape', t.short)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('fns_app_id_name_unique', cols('fns_app_id_name_unique'))
        .addForeignKeyConstraint('fns_app_id_fk', ['app_id'], 'apps', ['id'], (fk) => fk.onDelete('cascade'))
        .$call(options)
        .execute();

      await db.schema
        .createTable('triggers')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('app_id', t.id, (c) => sorted(c).notNull())
        .addColumn('fn_id', t.id, (c) => sorted(c).notNull())
        .addColumn('name', t.name, (c) => sorted(c).notNull())
        .addColumn('type', t.short, (c) => c.notNull())
        .addColumn('source', t.text, (c) => c.notNull())
        .addColumn('source_hash', t.hash, (c) => c.notNull())
        .addColumn('annotations', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('triggers_app_id_fn_id_name_unique', cols('triggers_app_id_fn_id_name_unique'))
        .addUniqueConstraint('triggers_app_id_type_source_unique', cols('triggers_app_id_type_source_unique'))
        .addForeignKeyConstraint('triggers_app_id_fk', ['app_id'], 'apps', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .addForeignKeyConstraint('triggers_fn_id_fk', ['fn_id'], 'fns', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .$call(options)
        .execute();
      await db.schema
        .createIndex('triggers_app_id_name_idx')
        .on('triggers')
        .columns(['app_id', 'name'])
        .execute();
      await db.schema.createIndex('triggers_fn_id_idx').on('triggers').columns(['fn_id']).execute();

      await db.schema
        .createTable('routes')
        .addColumn('app_id', t.id, (c) => sorted(c).notNull())
        .addColumn('path', t.text, (c) => sorted(c).notNull())
        .addColumn('path_hash', t.hash, (c) => c.notNull())
        .addColumn('image', t.text, (c) => c.notNull())
        .addColumn('memory', t.integer, (c) => c.notNull())
        .addColumn('cpus', t.short)
        .addColumn('headers', t.json, (c) => c.notNull())
        .addColumn('type', t.short, (c) => c.notNull())
        .addColumn('format', t.short, (c) => c.notNull())
        .addColumn('timeout', t.integer, (c) => c.notNull())
        .addColumn('idle_timeout', t.integer, (c) => c.notNull())
        .addColumn('tmpfs_size', t.integer)
        .addColumn('config', t.json, (c) => c.notNull())
        .addColumn('annotations', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('routes_app_id_path_unique', cols('routes_app_id_path_unique'))
        .addForeignKeyConstraint('routes_app_id_fk', ['app_id'], 'apps', ['id'], (fk) =>
          fk.onDelete('cascade'),
        )
        .$call(options)
        .execute();

      await db.schema
        .createTable('calls')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('status', t.short, (c) => c.notNull())
        .addColumn('app_id', t.id, (c) => sorted(c).notNull())
        .addColumn('app_name', t.name, (c) => c.notNull())
        .addColumn('fn_id', t.id, (c) => sorted(c).notNull())
        .addColumn('trigger_id', t.id, (c) => c.notNull())
        .addColumn('path', t.text)
        .addColumn('image', t.text)
        .addColumn('type', t.short)
        .addColumn('format', t.short)
        .addColumn('memory', t.integer)
        .addColumn('cpus', t.short)
        .addColumn('timeout', t.integer)
        .addColumn('idle_timeout', t.integer)
        .addColumn('priority', t.integer)
        .addColumn('config', t.json)
        .addColumn('headers', t.json)
        .addColumn('method', t.short)
        .addColumn('url', t.text)
        .addColumn('payload', t.long)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('started_at', t.time)
        .addColumn('completed_at', t.time)
        .addColumn('stats', t.long)
        .addColumn('error', t.long)
        .addColumn('reason', t.short)
        .addColumn('execution_duration', t.bigint)
        .$call(options)
        .execute();
      await db.schema.createIndex('calls_fn_id_id_idx').on('calls').columns(['fn_id', 'id']).execute();
      await db.schema.createIndex('calls_app_id_id_idx').on('calls').columns(['app_id', 'id']).execute();

      await db.schema
        .createTable('logs')
        .addColumn('id', t.id, (c) => sorted(c).primaryKey())
        .addColumn('log', t.long, (c) => c.notNull())
        .$call(options)
        .execute();
    },
  };
}
