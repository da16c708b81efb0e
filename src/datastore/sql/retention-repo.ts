import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { FinalCallStatuses, idFloorAt } from '../../models/index.js';
import type { OldCallsFilter } from '../datastore.js';
import type { Database, DialectKind } from './schema.js';

/**
 * Removing call history by age in bounded batches (issue 18). Each batch is a few short
 * statements on the primary key, so that other queries run between batches.
 */
export class RetentionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  /**
   * Ids sort by creation time, so the primary key (or, for one fn, the `(fn_id, id)` index) finds
   * the old calls in order; `created_at` guards against an id that does not carry its time.
   */
  async removeOldCalls(filter: OldCallsFilter): Promise<string[]> {
    const before = Date.parse(filter.createdBefore);
    if (!Number.isFinite(before) || filter.limit <= 0) return [];
    const rows = await this.db
      .selectFrom('calls')
      .select('id')
      .$if(filter.fnId !== undefined, (q) => q.where('fn_id', '=', filter.fnId!))
      .$if(filter.afterId !== undefined, (q) => q.where('id', '>', filter.afterId!))
      .where('id', '<', idFloorAt(before))
      .where('created_at', '<', filter.createdBefore)
      .where('status', 'in', [...FinalCallStatuses])
      .orderBy('id')
      .limit(filter.limit)
      .execute();
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return ids;
    // The response first: a call whose removal is cut short is found again by the next pass.
    await this.db.deleteFrom('call_responses').where('id', 'in', ids).execute();
    await this.db.deleteFrom('calls').where('id', 'in', ids).execute();
    return ids;
  }

  /** Up to about `limit` claims (ties on the last time go too) made before `before`. */
  async removeOldClaims(before: string, limit: number): Promise<number> {
    const edge = await this.db
      .selectFrom('idempotency_keys')
      .select('created_at')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(1)
      .offset(Math.max(0, limit - 1))
      .executeTakeFirst();
    const res = await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', edge ? '<=' : '<', edge ? edge.created_at : before)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async removeLogs(callIds: readonly string[]): Promise<void> {
    if (callIds.length === 0) return;
    await this.db
      .deleteFrom('logs')
      .where('id', 'in', [...callIds])
      .execute();
  }

  /** SQLite: gives up to `pages` free pages back to the file system; returns how many are left. */
  async reclaimSpace(pages: number): Promise<number> {
    if (this.kind !== 'sqlite') return 0;
    await sql.raw(`pragma incremental_vacuum(${Math.max(1, Math.floor(pages))})`).execute(this.db);
    const { rows } = await sql<{ freelist_count: number }>`pragma freelist_count`.execute(this.db);
    return rows[0]?.freelist_count ?? 0;
  }
}
