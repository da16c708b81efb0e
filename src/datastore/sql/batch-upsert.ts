import type { Kysely } from 'kysely';
import { CompiledQuery, sql } from 'kysely';
import type { Database, DialectKind } from './schema.js';
import { inTransaction } from './transaction.js';

/** Rows per INSERT: 27 parameters each (a call) stays far below every driver's parameter limit. */
const ROWS_PER_STATEMENT = 500;

/** Batch sizes whose SQL is kept: the recorder's batches mostly repeat a few sizes. */
const CACHED_SQL_SIZES = 64;

/**
 * A multi-row upsert on `id` for the recorder's batches (call records, call logs). Building the
 * SQL through Kysely costs tens of microseconds a row on the event loop that serves calls, and
 * only its parameters change from batch to batch: the SQL is kept by row count.
 */
export class BatchUpsert<T extends keyof Database> {
  private readonly sqlByRows = new Map<number, string>();

  constructor(
    private readonly kind: DialectKind,
    private readonly table: T,
    /** The columns an existing row takes from the new one. */
    private readonly valueColumns: readonly string[],
  ) {}

  /**
   * One statement per 500 rows; more than that share a transaction. Every row must have the same
   * columns in the same order, as its parameters are its values in that order.
   */
  async run(db: Kysely<Database>, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    if (rows.length <= ROWS_PER_STATEMENT) {
      await this.upsert(db, rows);
      return;
    }
    await inTransaction(db, async (tx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
        await this.upsert(tx, rows.slice(i, i + ROWS_PER_STATEMENT));
    });
  }

  private async upsert(db: Kysely<Database>, rows: readonly Record<string, unknown>[]): Promise<void> {
    const params: unknown[] = [];
    for (const row of rows) for (const v of Object.values(row)) params.push(v);
    const cached = this.sqlByRows.get(rows.length);
    if (cached !== undefined) {
      await db.executeQuery(CompiledQuery.raw(cached, params));
      return;
    }
    const compiled = this.query(db, rows).compile();
    // Kept only when its parameters are exactly the rows' values in order.
    const same =
      compiled.parameters.length === params.length && compiled.parameters.every((v, i) => v === params[i]);
    if (same && this.sqlByRows.size < CACHED_SQL_SIZES) this.sqlByRows.set(rows.length, compiled.sql);
    await db.executeQuery(compiled);
  }

  private query(db: Kysely<Database>, rows: readonly Record<string, unknown>[]) {
    const table: string = this.table;
    // biome-ignore lint/suspicious/noExplicitAny: one upsert for the tables of the schema
    const insert = (db as Kysely<any>).insertInto(table).values(rows as Record<string, unknown>[]);
    if (this.kind === 'mysql') {
      return insert.onDuplicateKeyUpdate(
        Object.fromEntries(this.valueColumns.map((c) => [c, sql`values(${sql.ref(c)})`])),
      );
    }
    const excluded = Object.fromEntries(this.valueColumns.map((c) => [c, sql.ref(`excluded.${c}`)]));
    return insert.onConflict((oc) => oc.column('id').doUpdateSet(excluded));
  }
}
