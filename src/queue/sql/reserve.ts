import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DialectKind } from '../../sql/index.js';
import { sql } from 'kysely';
import type { QueueDatabase } from './schema.js';

const MYSQL_ATTEMPTS = 3;
/** ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT: InnoDB rolled the transaction back; try again. */
const MYSQL_RETRYABLE = new Set([1213, 1205]);

/** A claimed row: the reservation is already written, its token is `tokenPrefix + seq`. */
export interface ClaimedRow {
  id: string;
  priority: number;
  reservations: number;
  token: string;
}

export interface Claim {
  now: number;
  reservedUntil: number;
  /**
   * Each claimed row's token is this prefix followed by its seq: one random prefix per claim,
   * yet every reservation has a token of its own, so a stale one never matches a newer
   * reservation of the same job nor a sibling of its batch.
   */
  tokenPrefix: string;
  max: number;
}

/** Visible: due, and never reserved or its reservation has run out. */
export function visibleAt(now: number) {
  return (eb: ExpressionBuilder<QueueDatabase, 'mq_jobs'>) =>
    eb.and([
      eb('available_at', '<=', now),
      eb.or([eb('reserved_until', 'is', null), eb('reserved_until', '<=', now)]),
    ]);
}

/**
 * Takes up to `max` jobs from the head of the queue (highest priority, then push order)
 * atomically, and returns them in that order:
 * - SQLite: one `UPDATE … WHERE id IN (SELECT … LIMIT max) RETURNING`; SQLite has one writer.
 * - PostgreSQL: the same with `FOR UPDATE SKIP LOCKED` in the subquery, so concurrent reservers
 *   pass over each other's rows instead of waiting or taking the same ones. The ids are matched
 *   with `= ANY(ARRAY(…))`, an init plan run once: under `IN`, a recheck after a concurrent update
 *   may run the locking subquery again and claim more than `max` rows.
 * - MySQL/MariaDB: no `UPDATE … RETURNING`, so `SELECT … FOR UPDATE SKIP LOCKED` then one `UPDATE`
 *   in a READ COMMITTED transaction (no gap locks to hold up concurrent pushes).
 */
export async function claimMany(
  db: Kysely<QueueDatabase>,
  kind: DialectKind,
  claim: Claim,
): Promise<ClaimedRow[]> {
  if (kind === 'mysql') return claimMysql(db, claim);
  const head = db
    .selectFrom('mq_jobs')
    .select('id')
    .where(visibleAt(claim.now))
    .orderBy('priority', 'desc')
    .orderBy('seq')
    .limit(claim.max);
  const rows = await db
    .updateTable('mq_jobs')
    .set((eb) => ({
      token: sql<string>`cast(${claim.tokenPrefix} as text) || cast(seq as text)`,
      reserved_until: claim.reservedUntil,
      reservations: eb('reservations', '+', 1),
    }))
    .where((eb) =>
      kind === 'postgres'
        ? eb('id', '=', sql<string>`any(array(${head.forUpdate().skipLocked()}))`)
        : eb('id', 'in', head),
    )
    .returning(['id', 'priority', 'reservations', 'seq'])
    .execute();
  return inQueueOrder(rows, claim.tokenPrefix);
}

async function claimMysql(db: Kysely<QueueDatabase>, claim: Claim): Promise<ClaimedRow[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (tx) => {
          const rows = await tx
            .selectFrom('mq_jobs')
            .select(['id', 'priority', 'reservations', 'seq'])
            .where(visibleAt(claim.now))
            .orderBy('priority', 'desc')
            .orderBy('seq')
            .limit(claim.max)
            .forUpdate()
            .skipLocked()
            .execute();
          if (rows.length === 0) return [];
          await tx
            .updateTable('mq_jobs')
            .set((eb) => ({
              token: sql<string>`concat(${claim.tokenPrefix}, seq)`,
              reserved_until: claim.reservedUntil,
              reservations: eb('reservations', '+', 1),
            }))
            .where(
              'id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
          const claimed = rows.map((r) => ({ ...r, reservations: Number(r.reservations) + 1 }));
          return inQueueOrder(claimed, claim.tokenPrefix);
        });
    } catch (err) {
      const errno = (err as { errno?: number }).errno;
      if (attempt >= MYSQL_ATTEMPTS || errno === undefined || !MYSQL_RETRYABLE.has(errno)) throw err;
    }
  }
}

type RawRow = {
  id: string;
  priority: number | string;
  reservations: number | string;
  seq: number | string;
};

/** `RETURNING` rows come in no particular order. */
function inQueueOrder(rows: RawRow[], tokenPrefix: string): ClaimedRow[] {
  return rows
    .map((r) => ({ row: r, priority: Number(r.priority), seq: Number(r.seq) }))
    .sort((a, b) => b.priority - a.priority || a.seq - b.seq)
    .map(({ row, priority }) => ({
      id: row.id,
      priority,
      reservations: Number(row.reservations),
      token: `${tokenPrefix}${row.seq}`,
    }));
}
