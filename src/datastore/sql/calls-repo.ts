import { CompiledQuery, type Insertable, type Kysely, sql } from 'kysely';
import { type Call, type ErrorName, decodeCursor, fail } from '../../models/index.js';
import type { CallFilter, Page } from '../datastore.js';
import { CallValueColumns, callFromRow, callToRow } from './call-rows.js';
import { toPage } from './codec.js';
import type { CallsTable, Database, DialectKind } from './schema.js';
import { inTransaction } from './transaction.js';

/** Rows per INSERT: 27 parameters each stays far below every driver's parameter limit. */
const ROWS_PER_STATEMENT = 500;

/** Batch sizes whose upsert SQL is kept: the recorder's batches mostly repeat a few sizes. */
const CACHED_SQL_SIZES = 64;

export class CallsRepo {
  /**
   * The upsert's SQL by row count. Building it through Kysely costs tens of microseconds a row on
   * the event loop that serves calls; only its parameters change from batch to batch.
   */
  private readonly upsertSql = new Map<number, string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  /** One multi-row upsert per 500 calls; more than that share a transaction. */
  async insertMany(calls: Call[]): Promise<void> {
    if (calls.length === 0) return;
    if (calls.some((c) => !c.id)) fail('DatastoreEmptyCallID');
    const rows = calls.map(callToRow);
    if (rows.length <= ROWS_PER_STATEMENT) {
      await this.upsert(this.db, rows);
      return;
    }
    await inTransaction(this.db, async (tx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        await this.upsert(tx, rows.slice(i, i + ROWS_PER_STATEMENT));
      }
    });
  }

  private async upsert(db: Kysely<Database>, rows: Insertable<CallsTable>[]): Promise<void> {
    const cached = this.upsertSql.get(rows.length);
    if (cached !== undefined) {
      await db.executeQuery(CompiledQuery.raw(cached, rowParameters(rows)));
      return;
    }
    const compiled = this.upsertQuery(db, rows).compile();
    // Kept only when its parameters are exactly the rows' values in order, as rowParameters gives.
    const params = rowParameters(rows);
    const same =
      compiled.parameters.length === params.length && compiled.parameters.every((v, i) => v === params[i]);
    if (same && this.upsertSql.size < CACHED_SQL_SIZES) this.upsertSql.set(rows.length, compiled.sql);
    await db.executeQuery(compiled);
  }

  private upsertQuery(db: Kysely<Database>, rows: Insertable<CallsTable>[]) {
    const insert = db.insertInto('calls').values(rows);
    if (this.kind === 'mysql') {
      const values = Object.fromEntries(CallValueColumns.map((c) => [c, sql`values(${sql.ref(c)})`]));
      return insert.onDuplicateKeyUpdate(values);
    }
    const excluded = Object.fromEntries(CallValueColumns.map((c) => [c, sql.ref(`excluded.${c}`)]));
    return insert.onConflict((oc) => oc.column('id').doUpdateSet(excluded));
  }

  /** Compare-and-swap on the stored status. */
  async update(from: Call, to: Call, next?: Call): Promise<void> {
    if (!from.id) fail('DatastoreEmptyCallID');
    if (!next) return this.compareAndSwap(this.db, from, to);
    if (!next.id) fail('DatastoreEmptyCallID');
    await inTransaction(this.db, async (tx) => {
      await this.compareAndSwap(tx, from, to);
      await tx.insertInto('calls').values(callToRow(next)).execute();
    });
  }

  private async compareAndSwap(db: Kysely<Database>, from: Call, to: Call): Promise<void> {
    const { id: _id, ...values } = callToRow(to);
    const res = await db
      .updateTable('calls')
      .set(values)
      .where('id', '=', from.id)
      .where('status', '=', from.status)
      .executeTakeFirst();
    if (res.numUpdatedRows > 0n) return;
    const stored = await db.selectFrom('calls').select('id').where('id', '=', from.id).executeTakeFirst();
    fail(stored ? 'DatastoreCannotUpdateCall' : 'CallNotFound');
  }

  async get(fnId: string, callId: string): Promise<Call> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('id', '=', callId)
      .where('fn_id', '=', fnId)
      .executeTakeFirst();
    if (!row) fail('CallNotFound');
    return callFromRow(row);
  }

  async getById(callId: string): Promise<Call> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
    if (!row) fail('CallNotFound');
    return callFromRow(row);
  }

  /** Newest first; from/to are exclusive bounds on created_at. */
  async list(filter: CallFilter): Promise<Page<Call>> {
    const before = decodeCursor(filter.cursor);
    const from = filter.fromTime === undefined ? undefined : isoFromUnix(filter.fromTime, 'InvalidFromTime');
    const to = filter.toTime === undefined ? undefined : isoFromUnix(filter.toTime, 'InvalidToTime');
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .$if(Boolean(filter.fnId), (q) => q.where('fn_id', '=', filter.fnId!))
      .$if(Boolean(filter.appId), (q) => q.where('app_id', '=', filter.appId!))
      .$if(Boolean(filter.path), (q) => q.where('path', '=', filter.path!))
      .$if(from !== undefined, (q) => q.where('created_at', '>', from!))
      .$if(to !== undefined, (q) => q.where('created_at', '<', to!))
      .$if(before !== undefined, (q) => q.where('id', '<', before!))
      .orderBy('id', 'desc')
      .limit(filter.perPage)
      .execute();
    return toPage(rows.map(callFromRow), filter.perPage, (c) => c.id);
  }
}

function isoFromUnix(seconds: number, error: ErrorName): string {
  const d = new Date(seconds * 1000);
  if (!Number.isFinite(d.getTime())) fail(error);
  return d.toISOString();
}

/** Every row's values in column order (callToRow gives each row every column, `id` first). */
function rowParameters(rows: Insertable<CallsTable>[]): unknown[] {
  const out: unknown[] = [];
  for (const row of rows) for (const v of Object.values(row)) out.push(v);
  return out;
}
