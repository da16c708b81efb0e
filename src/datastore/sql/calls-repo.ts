import type { Insertable, Kysely } from 'kysely';
import { type Call, type ErrorName, decodeCursor, fail, hasNul } from '../../models/index.js';
import type { CallChange, CallFilter, Page } from '../datastore.js';
import { upsertResponse } from './call-responses.js';
import { BatchUpsert } from './batch-upsert.js';
import { CallValueColumns } from './call-rows.js';
import type { CallSettings } from './call-settings.js';
import { toPage } from './codec.js';
import type { CallsTable, Database, DialectKind } from './schema.js';
import { inTransaction } from './transaction.js';

export class CallsRepo {
  private readonly upsert: BatchUpsert<'calls'>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
    private readonly settings: CallSettings,
  ) {
    this.upsert = new BatchUpsert(kind, 'calls', CallValueColumns);
  }

  /** One multi-row upsert per 500 calls (callToRow gives every row every column, in one order). */
  async insertMany(calls: Call[]): Promise<void> {
    if (calls.some((c) => !c.id)) fail('DatastoreEmptyCallID');
    await this.upsert.run(this.db, await this.settings.toRows(this.db, calls));
  }

  /** Compare-and-swap on the stored status. */
  async update(from: Call, to: Call, next?: Call): Promise<void> {
    if (!from.id) fail('DatastoreEmptyCallID');
    if (next && !next.id) fail('DatastoreEmptyCallID');
    const [toRow, nextRow] = await this.settings.toRows(this.db, next ? [to, next] : [to]);
    if (!nextRow) return this.compareAndSwap(this.db, from, toRow!);
    await inTransaction(this.db, async (tx) => {
      await this.compareAndSwap(tx, from, toRow!);
      await tx.insertInto('calls').values(nextRow).execute();
    });
  }

  /** One transaction; a change whose call no longer has its `from` status is skipped. */
  async applyChanges(changes: readonly CallChange[]): Promise<boolean[]> {
    if (changes.length === 0) return [];
    if (changes.some((c) => !c.from.id || (c.next && !c.next.id))) fail('DatastoreEmptyCallID');
    // Settings rows are stored before, never in, the transaction (see CallSettings.toRows).
    const rows = await this.settings.toRows(
      this.db,
      changes.flatMap((c) => (c.next ? [c.to, c.next] : [c.to])),
    );
    return inTransaction(this.db, async (tx) => {
      const applied: boolean[] = [];
      let i = 0;
      for (const c of changes) {
        const toRow = rows[i++]!;
        const nextRow = c.next ? rows[i++] : undefined;
        const ok = await swap(tx, c.from, toRow);
        applied.push(ok);
        if (!ok) continue;
        if (nextRow) await tx.insertInto('calls').values(nextRow).execute();
        if (c.response) await upsertResponse(tx, this.kind, c.from.id, c.response);
      }
      return applied;
    });
  }

  async getByIds(callIds: readonly string[]): Promise<Call[]> {
    if (callIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('id', 'in', [...callIds])
      .execute();
    return this.settings.fromRows(this.db, rows);
  }

  private async compareAndSwap(db: Kysely<Database>, from: Call, to: Insertable<CallsTable>): Promise<void> {
    if (await swap(db, from, to)) return;
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
    return this.settings.fromRow(this.db, row);
  }

  async getById(callId: string): Promise<Call> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
    if (!row) fail('CallNotFound');
    return this.settings.fromRow(this.db, row);
  }

  /** Newest first; from/to are exclusive bounds on created_at. */
  async list(filter: CallFilter): Promise<Page<Call>> {
    const before = decodeCursor(filter.cursor);
    const from = filter.fromTime === undefined ? undefined : isoFromUnix(filter.fromTime, 'InvalidFromTime');
    const to = filter.toTime === undefined ? undefined : isoFromUnix(filter.toTime, 'InvalidToTime');
    if (hasNul(filter.path)) return { items: [] };
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
    return toPage(await this.settings.fromRows(this.db, rows), filter.perPage, (c) => c.id);
  }
}

/** Compare-and-swap on the stored status: true when the row had `from.status` and now holds `to`. */
async function swap(db: Kysely<Database>, from: Call, to: Insertable<CallsTable>): Promise<boolean> {
  const { id: _id, ...values } = to;
  const res = await db
    .updateTable('calls')
    .set(values)
    .where('id', '=', from.id)
    .where('status', '=', from.status)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

function isoFromUnix(seconds: number, error: ErrorName): string {
  const d = new Date(seconds * 1000);
  if (!Number.isFinite(d.getTime())) fail(error);
  return d.toISOString();
}
