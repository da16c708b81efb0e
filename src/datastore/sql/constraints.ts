/**
 * The unique keys the datastore relies on for conflicts. The migrations create them under these
 * names; `violatedKey` recognises them in each driver's error (PostgreSQL reports the constraint
 * name, MySQL/MariaDB the key name, SQLite only the table and columns).
 */
export const UniqueKeys = {
  apps_name_unique: { table: 'apps', columns: ['name'] },
  fns_app_id_name_unique: { table: 'fns', columns: ['app_id', 'name'] },
  triggers_app_id_fn_id_name_unique: { table: 'triggers', columns: ['app_id', 'fn_id', 'name'] },
  triggers_app_id_type_source_unique: { table: 'triggers', columns: ['app_id', 'type', 'source_hash'] },
  routes_app_id_path_unique: { table: 'routes', columns: ['app_id', 'path_hash'] },
} as const;

export type UniqueKeyName = keyof typeof UniqueKeys;
