import { randomUUID } from 'node:crypto';
import { Kysely, sql } from '../../datastore/index.js';
import { createDialect, type DbTarget, type DialectKind, runMigrations } from '../../datastore/index.js';
import { checkPush, checkVisibility } from '../checks.js';
import type { MessageQueue, QueueJob, Reservation } from '../message-queue.js';
import { ReservationLostError } from '../reservation-lost-error.js';
import { QueueMigrationLockTable, QueueMigrationTable, queueMigrationProvider } from './migrations.js';
import { claimNext } from './reserve.js';
import type { QueueDatabase } from './schema.js';

export interface SqlMessageQueueOptions {
  /** Epoch ms; every process sharing the table should agree on it. Default `Date.now`. */
  now?: () => number;
}

/**
 * The MessageQueue on one `mq_jobs` table (SQLite, PostgreSQL, MySQL/MariaDB). A reservation is a
 * token and a deadline on the row; a timed-out reservation leaves the row where it was, so the
 * job comes back ahead of the jobs pushed after it.
 */
export class SqlMessageQueue implements MessageQueue {
  private readonly now: () => number;
  private closed = false;

  private constructor(
    private readonly db: Kysely<QueueDatabase>,
    private readonly kind: DialectKind,
    /** Whether `close()` destroys `db` (false when it is the datastore's). */
    private readonly owned: boolean,
    options: SqlMessageQueueOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The queue on an existing Kysely instance (the datastore's, so that SQLite keeps one
   * connection per process); creates its table under its own migration tables. `close()` leaves
   * `db` open.
   */
  static async on(
    db: Kysely<unknown>,
    kind: DialectKind,
    options: SqlMessageQueueOptions = {},
  ): Promise<SqlMessageQueue> {
    const qdb = db.withTables<QueueDatabase>();
    await runMigrations(qdb, kind, queueMigrations(kind));
    return new SqlMessageQueue(qdb, kind, false, options);
  }

  /** The queue on its own connection pool to `target`; `close()` ends it. */
  static async open(target: DbTarget, options: SqlMessageQueueOptions = {}): Promise<SqlMessageQueue> {
    const db = new Kysely<QueueDatabase>({ dialect: await createDialect(target) });
    try {
      await runMigrations(db, target.kind, queueMigrations(target.kind));
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new SqlMessageQueue(db, target.kind, true, options);
  }

  async push(job: QueueJob, delayMs = 0): Promise<void> {
    checkPush(job, delayMs);
    const row = {
      id: job.id,
      priority: job.priority,
      available_at: this.now() + Math.ceil(delayMs),
      reservations: 0,
    };
    switch (this.kind) {
      case 'sqlite':
        // One writer at a time, so max + 1 is a push order; the unique index on seq serves max.
        await this.db
          .insertInto('mq_jobs')
          .values({ ...row, seq: sql<number>`(select coalesce(max(seq), 0) + 1 from mq_jobs)` })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        return;
      case 'postgres':
        await this.db
          .insertInto('mq_jobs')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        return;
      case 'mysql':
        // Not INSERT IGNORE, which would also turn other errors into warnings.
        await this.db
          .insertInto('mq_jobs')
          .values(row)
          .onDuplicateKeyUpdate((eb) => ({ id: eb.ref('id') }))
          .execute();
        return;
    }
  }

  async reserve(visibilityMs: number): Promise<Reservation | undefined> {
    checkVisibility(visibilityMs);
    const now = this.now();
    const token = randomUUID();
    const row = await claimNext(this.db, this.kind, {
      now,
      reservedUntil: now + Math.ceil(visibilityMs),
      token,
    });
    if (!row) return undefined;
    return { job: { id: row.id, priority: row.priority }, token, reservations: row.reservations };
  }

  async extend(r: Reservation, visibilityMs: number): Promise<boolean> {
    checkVisibility(visibilityMs);
    const result = await this.db
      .updateTable('mq_jobs')
      .set({ reserved_until: this.now() + Math.ceil(visibilityMs) })
      .where('id', '=', r.job.id)
      .where('token', '=', r.token)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(r: Reservation): Promise<void> {
    const result = await this.db
      .deleteFrom('mq_jobs')
      .where('id', '=', r.job.id)
      .where('token', '=', r.token)
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) return;
    const held = await this.db
      .selectFrom('mq_jobs')
      .select('id')
      .where('id', '=', r.job.id)
      .executeTakeFirst();
    if (held) throw new ReservationLostError(r.job.id);
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('mq_jobs').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async depth(): Promise<number> {
    const now = this.now();
    const row = await this.db
      .selectFrom('mq_jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where((eb) => eb.or([eb('reserved_until', 'is', null), eb('reserved_until', '<=', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owned) await this.db.destroy();
  }
}

function queueMigrations(kind: DialectKind) {
  return {
    provider: queueMigrationProvider(kind),
    table: QueueMigrationTable,
    lockTable: QueueMigrationLockTable,
    label: 'queue',
  };
}
