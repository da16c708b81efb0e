import { randomUUID } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { createDialect, type DbTarget, type DialectKind, runMigrations } from '../../sql/index.js';
import { checkMax, checkPush, checkVisibility } from '../checks.js';
import type { MessageQueue, QueueBacklog, QueueJob, Reservation } from '../message-queue.js';
import { ReservationLostError } from '../reservation-lost-error.js';
import { TurnBatch } from '../turn-batch.js';
import { readBacklog } from './backlog.js';
import { QueueMigrationLockTable, QueueMigrationTable, queueMigrationProvider } from './migrations.js';
import { claimMany } from './reserve.js';
import type { QueueDatabase } from './schema.js';

/** Rows per push `INSERT` (SQLite binds at most 32766 parameters). */
const PUSH_BATCH = 500;
/** Reservations per `DELETE` of deleteMany. */
const DELETE_CHUNK = 250;

type NewJob = { id: string; priority: number; available_at: number; reservations: number };

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

  /** Pushes made together (one run of promise jobs) go in one multi-row `INSERT`, in order. */
  async push(job: QueueJob, delayMs = 0): Promise<void> {
    checkPush(job, delayMs);
    await this.pushes.add({
      id: job.id,
      priority: job.priority,
      available_at: this.now() + Math.ceil(delayMs),
      reservations: 0,
    });
  }

  private readonly pushes = new TurnBatch<NewJob>((rows) => this.insert(rows), PUSH_BATCH);

  private async insert(all: NewJob[]): Promise<void> {
    // The first push of an id wins, as it would one statement at a time.
    const seen = new Set<string>();
    const rows = all.filter((r) => !seen.has(r.id) && seen.add(r.id));
    switch (this.kind) {
      case 'sqlite':
        // One writer at a time, so max + n is a push order; the unique index on seq serves max.
        await this.db
          .insertInto('mq_jobs')
          .values(
            rows.map((r, i) => ({
              ...r,
              seq: sql<number>`(select coalesce(max(seq), 0) + ${i + 1} from mq_jobs)`,
            })),
          )
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        return;
      case 'postgres':
        await this.db
          .insertInto('mq_jobs')
          .values(rows)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        return;
      case 'mysql':
        // Not INSERT IGNORE, which would also turn other errors into warnings.
        await this.db
          .insertInto('mq_jobs')
          .values(rows)
          .onDuplicateKeyUpdate((eb) => ({ id: eb.ref('id') }))
          .execute();
        return;
    }
  }

  async reserve(visibilityMs: number): Promise<Reservation | undefined> {
    return (await this.reserveMany(1, visibilityMs))[0];
  }

  async reserveMany(max: number, visibilityMs: number): Promise<Reservation[]> {
    checkMax(max);
    checkVisibility(visibilityMs);
    const now = this.now();
    const rows = await claimMany(this.db, this.kind, {
      now,
      reservedUntil: now + Math.ceil(visibilityMs),
      tokenPrefix: `${randomUUID()}.`,
      max,
    });
    return rows.map((row) => ({
      job: { id: row.id, priority: row.priority },
      token: row.token,
      reservations: row.reservations,
    }));
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
    const [held] = await this.deleteMany([r]);
    if (held !== undefined) throw new ReservationLostError(held);
  }

  /**
   * One `DELETE` of the rows whose token still matches; only when some were not deleted, one
   * `SELECT` of those ids: any left are held by a newer reservation (the others are gone). In
   * chunks: SQLite parses `a OR b OR …` into a tree as deep as the list, at most 1000.
   */
  async deleteMany(rs: readonly Reservation[]): Promise<string[]> {
    const held: string[] = [];
    for (let i = 0; i < rs.length; i += DELETE_CHUNK) {
      held.push(...(await this.deleteChunk(rs.slice(i, i + DELETE_CHUNK))));
    }
    return held;
  }

  private async deleteChunk(rs: readonly Reservation[]): Promise<string[]> {
    const result = await this.db
      .deleteFrom('mq_jobs')
      .where((eb) => eb.or(rs.map((r) => eb.and([eb('id', '=', r.job.id), eb('token', '=', r.token)]))))
      .executeTakeFirst();
    if (result.numDeletedRows >= BigInt(rs.length)) return [];
    const left = await this.db
      .selectFrom('mq_jobs')
      .select('id')
      .where(
        'id',
        'in',
        rs.map((r) => r.job.id),
      )
      .execute();
    return left.map((row) => row.id);
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

  async backlog(): Promise<QueueBacklog> {
    return readBacklog(this.db, this.now());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Pushes already accepted are written before the connection goes.
    await this.pushes.idle();
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
