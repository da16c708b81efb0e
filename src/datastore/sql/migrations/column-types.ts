import type { ColumnDataType, ColumnDefinitionBuilder, CreateTableBuilder, Expression } from 'kysely';
import { sql } from 'kysely';
import type { DialectKind } from '../schema.js';

type ColumnType = ColumnDataType | Expression<unknown>;
type ColumnKind = 'id' | 'name' | 'short' | 'time' | 'hash' | 'integer' | 'bigint' | 'text' | 'json' | 'long';

/**
 * Column types per dialect. Keys that are sorted or compared with `<`/`>` for cursors compare
 * bytewise everywhere: `COLLATE "C"` on PostgreSQL, `utf8mb4_bin` tables on MySQL/MariaDB
 * (whose default collation is case-insensitive), SQLite's default BINARY.
 */
export function columnTypes(kind: DialectKind): Record<ColumnKind, ColumnType> {
  const mysql = kind === 'mysql';
  return {
    /** Ids (26 characters today; room for ids of other forms). */
    id: 'varchar(64)',
    /** Names of apps, fns and triggers: at most 255 bytes after validation. */
    name: 'varchar(255)',
    short: 'varchar(32)',
    /** ISO-8601 times as the models format them. */
    time: 'varchar(32)',
    hash: 'varchar(64)',
    integer: 'integer',
    bigint: 'bigint',
    /** Free text that is never indexed (images, URLs, sources, paths). */
    text: sql`text`,
    /** JSON maps: annotations may exceed MySQL TEXT's 64 KiB. */
    json: mysql ? sql`mediumtext` : sql`text`,
    /** Payloads, stats and logs. */
    long: mysql ? sql`longtext` : sql`text`,
  };
}

/** Bytewise comparison for a sort key on PostgreSQL; MySQL gets it from the table default. */
export function sortKey(kind: DialectKind) {
  return (c: ColumnDefinitionBuilder) => (kind === 'postgres' ? c.modifyFront(sql`collate "C"`) : c);
}

/** Table options: InnoDB, utf8mb4 and a binary collation on MySQL/MariaDB. */
export function tableOptions(kind: DialectKind) {
  return <T extends string, C extends string>(t: CreateTableBuilder<T, C>) =>
    kind === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t;
}
