import { CompiledQuery, type Kysely, sql } from 'kysely';
import { fail } from '../../models/index.js';
import type { CallLog } from '../datastore.js';
import type { Database, DialectKind } from './schema.js';
import { inTransaction } from './transaction.js';

/** Rows per INSERT: two parameters each stays far below every driver's parameter limit. */
const ROWS_PER_STATEMENT = 500;

/** Batch sizes whose upsert SQL is kept: the recorder's batches mostly repeat a few sizes. */
const CACHED_SQL_SIZES = 64;

/** Call logs, one row per call id. */
export class LogsRepo {
  /**
   * The upsert's SQL by row count: logs are written for most calls, in batches, on the event
   * loop that serves calls, and building the SQL through Kysely costs more than running it.
   */
  private readonly upsertSql = new Map<number, string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  /** One multi-row upsert per 500 logs; more than that share a transaction. */
  async insertMany(logs: readonly CallLog[]): Promise<void> {
    if (logs.length === 0) return;
    if (logs.some((l) => !l.callId)) fail('DatastoreEmptyCallID');
    const rows = logs.map((l) => ({ id: l.callId, log: l.log }));
    if (rows.length <= ROWS_PER_STATEMENT) {
      await this.upsert(this.db, rows);
      return;
    }
    await inTransaction(this.db, async (tx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
        await this.upsert(tx, rows.slice(i, i + ROWS_PER_STATEMENT));
    });
  }

  async get(callId: string): Promise<string> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db.selectFrom('logs').select('log').where('id', '=', callId).executeTakeFirst();
    if (!row) fail('CallLogNotFound');
    return row.log;
  }

  private async upsert(db: Kysely<Database>, rows: { id: string; log: string }[]): Promise<void> {
    const params = rows.flatMap((r) => [r.id, r.log]);
    const cached = this.upsertSql.get(rows.length);
    if (cached !== undefined) {
      await db.executeQuery(CompiledQuery.raw(cached, params));
      return;
    }
    const insert = db.insertInto('logs').values(rows);
    const compiled = (
      this.kind === 'mysql'
        ? insert.onDuplicateKeyUpdate({ log: sql`values(${sql.ref('log')})` })
        : insert.onConflict((oc) => oc.column('id').doUpdateSet({ log: sql.ref('excluded.log') }))
    ).compile();
    // Kept only when its parameters are exactly the rows' values in order.
    const same =
      compiled.parameters.length === params.length && compiled.parameters.every((v, i) => v === params[i]);
    if (same && this.upsertSql.size < CACHED_SQL_SIZES) this.upsertSql.set(rows.length, compiled.sql);
    await db.executeQuery(compiled);
  }
}
