import { type Datastore, type SqlHandle, sqlHandleOf } from '../../src/datastore/index.js';
import { sql } from 'kysely';

function handle(ds: Datastore): SqlHandle {
  const h = sqlHandleOf(ds);
  if (!h) throw new Error('not a SQL datastore');
  return h;
}

/** The tables of a datastore's database (SQLite, PostgreSQL or MySQL/MariaDB). */
async function tables(ds: Datastore): Promise<string[]> {
  const { db, kind } = handle(ds);
  const query =
    kind === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table'`
      : kind === 'postgres'
        ? sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = current_schema()`
        : sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = database()`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

/**
 * The tables (but those in `except`) where some row holds `needle` in any column: proof that a
 * value was stored nowhere else, whatever the schema.
 */
export async function tablesHolding(
  ds: Datastore,
  needle: string,
  except: readonly string[],
): Promise<string[]> {
  const { db } = handle(ds);
  const found: string[] = [];
  for (const table of await tables(ds)) {
    if (except.includes(table)) continue;
    const { rows } = await sql`select * from ${sql.table(table)}`.execute(db);
    if (JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes(needle))
      found.push(table);
  }
  return found;
}
