import { type Kysely, sql } from 'kysely';
import type { QueueBacklog } from '../message-queue.js';
import type { QueueDatabase } from './schema.js';

/**
 * The backlog in one pass over the table: ready (due, not held by a live reservation), delayed
 * (not due yet) and the oldest ready row's `available_at`. An expired reservation is ready again,
 * aged from its `available_at`: when it was first available, not when its reservation ran out.
 * Counting is a scan either way (as `depth` is), so the age comes exact at no extra cost.
 */
export async function readBacklog(db: Kysely<QueueDatabase>, now: number): Promise<QueueBacklog> {
  const free = sql`(reserved_until is null or reserved_until <= ${now})`;
  const ready = sql`available_at <= ${now} and ${free}`;
  const row = await db
    .selectFrom('mq_jobs')
    .select([
      sql<number | string>`count(case when ${ready} then 1 end)`.as('ready'),
      sql<number | string>`count(case when available_at > ${now} and ${free} then 1 end)`.as('delayed'),
      sql<number | string | null>`min(case when ${ready} then available_at end)`.as('oldest'),
    ])
    .executeTakeFirstOrThrow();
  return {
    ready: Number(row.ready),
    delayed: Number(row.delayed),
    oldestReadyAgeMs: row.oldest === null ? 0 : Math.max(0, now - Number(row.oldest)),
  };
}
