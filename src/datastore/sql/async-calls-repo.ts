import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { type Call, type CallStatus, decodeCursor, fail } from '../../models/index.js';
import type { CallResponse, DeadLetterFilter, IdempotencyClaim, Page, PendingCounts } from '../datastore.js';
import { upsertResponse } from './call-responses.js';
import type { CallSettings } from './call-settings.js';
import { toPage } from './codec.js';
import { DeadLetterSql, PendingStatusesSql } from './migrations/0003-call-history.js';
import type { Database, DialectKind } from './schema.js';
import { inTransaction } from './transaction.js';

const PendingStatuses: readonly CallStatus[] = ['delayed', 'queued', 'running'];

/** Async-call storage: idempotent enqueue, dead letters, stored responses, reconcile scans. */
export class AsyncCallsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
    private readonly settings: CallSettings,
  ) {}

  async insert(call: Call, claim?: IdempotencyClaim): Promise<{ id: string; created: boolean }> {
    if (!call.id) fail('DatastoreEmptyCallID');
    const callRow = await this.settings.toRow(this.db, call);
    if (!claim) {
      await this.db.insertInto('calls').values(callRow).execute();
      return { id: call.id, created: true };
    }
    // Two short transactions, never a shared lock upgraded to an exclusive one (MySQL deadlocks).
    // First: take over an expired claim; the row lock makes a concurrent taker re-check and lose.
    const tookOver = await inTransaction(this.db, async (tx) => {
      const taken = await tx
        .updateTable('idempotency_keys')
        .set({ call_id: call.id, created_at: call.created_at })
        .where('fn_id', '=', call.fn_id)
        .where('idem_key', '=', claim.key)
        .where('created_at', '<', claim.notBefore)
        .executeTakeFirst();
      if (taken.numUpdatedRows === 0n) return false;
      await tx.insertInto('calls').values(callRow).execute();
      return true;
    });
    if (tookOver) return { id: call.id, created: true };
    // Then: claim a new key; the unique key decides between concurrent claims.
    return inTransaction(this.db, async (tx) => {
      const row = { fn_id: call.fn_id, idem_key: claim.key, call_id: call.id, created_at: call.created_at };
      const insert = tx.insertInto('idempotency_keys').values(row);
      const res =
        this.kind === 'mysql'
          ? await insert.ignore().executeTakeFirst()
          : await insert.onConflict((oc) => oc.columns(['fn_id', 'idem_key']).doNothing()).executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) {
        const owner = await tx
          .selectFrom('idempotency_keys')
          .select('call_id')
          .where('fn_id', '=', call.fn_id)
          .where('idem_key', '=', claim.key)
          .executeTakeFirstOrThrow();
        return { id: owner.call_id, created: false };
      }
      await tx.insertInto('calls').values(callRow).execute();
      return { id: call.id, created: true };
    });
  }

  async byStatus(
    type: string,
    statuses: readonly CallStatus[],
    page: { afterId?: string; limit: number },
  ): Promise<Call[]> {
    if (statuses.length === 0) return [];
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('status', 'in', [...statuses])
      // The partial index of pending calls, when every status asked for is one.
      .$if(
        statuses.every((s) => PendingStatuses.includes(s)),
        (q) => q.where(sql.raw<boolean>(PendingStatusesSql)),
      )
      .where('type', '=', type)
      .$if(page.afterId !== undefined, (q) => q.where('id', '>', page.afterId!))
      .orderBy('id', 'asc')
      .limit(page.limit)
      .execute();
    return this.settings.fromRows(this.db, rows);
  }

  /** How many of a fn's calls wait (queued, delayed) or run now, from the pending calls' index. */
  async countPending(fnId: string): Promise<PendingCounts> {
    const rows = await this.db
      .selectFrom('calls')
      .select(['status', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
      .where(sql.raw<boolean>(PendingStatusesSql))
      .where('fn_id', '=', fnId)
      .groupBy('status')
      .execute();
    const out: PendingCounts = { queued: 0, delayed: 0, running: 0 };
    for (const r of rows) if (r.status in out) out[r.status as keyof PendingCounts] = Number(r.n);
    return out;
  }

  async deadLetters(filter: DeadLetterFilter): Promise<Page<Call>> {
    const before = decodeCursor(filter.cursor);
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('fn_id', '=', filter.fnId)
      .where(sql.raw<boolean>(DeadLetterSql))
      .$if(before !== undefined, (q) => q.where('id', '<', before!))
      .orderBy('id', 'desc')
      .limit(filter.perPage)
      .execute();
    return toPage(await this.settings.fromRows(this.db, rows), filter.perPage, (c) => c.id);
  }

  async clearDeadLetter(callId: string): Promise<boolean> {
    const res = await this.db
      .updateTable('calls')
      .set({ dead_letter: null })
      .where('id', '=', callId)
      .where('dead_letter', '=', 1)
      .executeTakeFirst();
    return res.numUpdatedRows > 0n;
  }

  async insertResponse(callId: string, res: CallResponse): Promise<void> {
    if (!callId) fail('DatastoreEmptyCallID');
    await upsertResponse(this.db, this.kind, callId, res);
  }

  async getResponse(callId: string): Promise<CallResponse> {
    const row = await this.db
      .selectFrom('call_responses')
      .selectAll()
      .where('id', '=', callId)
      .executeTakeFirst();
    if (!row) fail('CallResponseNotFound');
    return {
      status: row.status,
      headers: JSON.parse(row.headers) as CallResponse['headers'],
      body: Buffer.from(row.body, 'base64'),
      truncated: row.truncated === 1,
    };
  }
}
