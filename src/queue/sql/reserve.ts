import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DialectKind } from '../../datastore/index.js';
import type { QueueDatabase } from './schema.js';

const MYSQL_ATTEMPTS = 3;
/** ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT: InnoDB rolled the transaction back; try again. */
const MYSQL_RETRYABLE = new Set([1213, 1205]);

/** A claimed row: the reservation is already written. */
export interface ClaimedRow {
  id: string;
  priority: number;
  reservations: number;
}

export interface Claim {
  now: number;
  reservedUntil: number;
  token: string;
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
 * Takes the head of the queue (highest priority, then push order) atomically:
 * - SQLite: one `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING`; SQLite has one writer.
 * - PostgreSQL: the same with `FOR UPDATE SKIP LOCKED` in the subquery, so concurrent reservers
 *   pass over each other's rows instead of waiting or taking the same one.
 * - MySQL/MariaDB: no `UPDATE … RETURNING`, so `SELECT … FOR UPDATE SKIP LOCKED` then `UPDATE` in a
 *   READ COMMITTED transaction (no gap locks to hold up concurrent pushes).
 */
export async function claimNext(
  db: Kysely<QueueDatabase>,
  kind: DialectKind,
  claim: Claim,
): Promise<ClaimedRow | undefined> {
  if (kind === 'mysql') return claimMysql(db, claim);
  const row = await db
    .updateTable('mq_jobs')
    .set((eb) => ({
      token: claim.token,
      reserved_until: claim.reservedUntil,
      reservations: eb('reservations', '+', 1),
    }))
    .where('id', '=', (eb) => {
      const head = eb
        .selectFrom('mq_jobs')
        .select('id')
        .where(visibleAt(claim.now))
        .orderBy('priority', 'desc')
        .orderBy('seq')
        .limit(1);
      return kind === 'postgres' ? head.forUpdate().skipLocked() : head;
    })
    .returning(['id', 'priority', 'reservations'])
    .executeTakeFirst();
  return row && toClaimed(row);
}

async function claimMysql(db: Kysely<QueueDatabase>, claim: Claim): Promise<ClaimedRow | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel('read committed')
        .execute(async (tx) => {
          const row = await tx
            .selectFrom('mq_jobs')
            .select(['id', 'priority', 'reservations'])
            .where(visibleAt(claim.now))
            .orderBy('priority', 'desc')
            .orderBy('seq')
            .limit(1)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst();
          if (!row) return undefined;
          await tx
            .updateTable('mq_jobs')
            .set({
              token: claim.token,
              reserved_until: claim.reservedUntil,
              reservations: row.reservations + 1,
            })
            .where('id', '=', row.id)
            .execute();
          return toClaimed({ ...row, reservations: row.reservations + 1 });
        });
    } catch (err) {
      const errno = (err as { errno?: number }).errno;
      if (attempt >= MYSQL_ATTEMPTS || errno === undefined || !MYSQL_RETRYABLE.has(errno)) throw err;
    }
  }
}

function toClaimed(row: {
  id: string;
  priority: number | string;
  reservations: number | string;
}): ClaimedRow {
  return { id: row.id, priority: Number(row.priority), reservations: Number(row.reservations) };
}
