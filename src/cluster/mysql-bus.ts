import type { Generated, Migration, MigrationProvider } from 'kysely';
import { createDialect, type DbTarget, runMigrations } from '../sql/index.js';
import { Kysely, sql } from 'kysely';
import type { BusOptions, InvalidationBus } from './invalidation-bus.js';

/** How often a node looks for the other nodes' announcements. */
export const MYSQL_BUS_POLL_MSECS = 250;
/** Announcements older than this are deleted: every node has long read them. */
const KEEP_MSECS = 60_000;
/**
 * Rows read again behind the last one seen: auto-increment ids of concurrent inserts may commit
 * out of order, so a lower id can appear after a higher one was read.
 */
const LOOK_BACK_ROWS = 50;

interface BusDatabase {
  fnode_bus_events: { seq: Generated<number>; node_id: string; at: number };
}

function busMigrations(): MigrationProvider {
  const events: Migration = {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('fnode_bus_events')
        .addColumn('seq', 'bigint', (c) => c.autoIncrement().primaryKey())
        .addColumn('node_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .modifyEnd(sql`engine = InnoDB`)
        .execute();
      await db.schema.createIndex('fnode_bus_events_at').on('fnode_bus_events').column('at').execute();
    },
  };
  return { getMigrations: async () => ({ '0001-bus-events': events }) };
}

/**
 * The bus on MySQL/MariaDB, which has no LISTEN/NOTIFY: a write appends a row to a small table,
 * and every node polls it (one indexed read every 250 ms) on a connection of its own.
 */
export class MysqlInvalidationBus implements InvalidationBus {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private lastSeq = 0;
  private readonly seen = new Set<number>();
  private closed = false;

  private constructor(
    private readonly db: Kysely<BusDatabase>,
    private readonly opts: BusOptions,
  ) {}

  static async connect(target: DbTarget, opts: BusOptions): Promise<MysqlInvalidationBus> {
    const db = new Kysely<BusDatabase>({ dialect: await createDialect(target) });
    try {
      await runMigrations(db, 'mysql', {
        provider: busMigrations(),
        table: 'fnode_bus_migrations',
        lockTable: 'fnode_bus_migrations_lock',
        label: 'cluster bus',
      });
      const bus = new MysqlInvalidationBus(db, opts);
      // Only what is announced from now on matters: this node's cache starts empty.
      await bus.read();
      bus.schedule();
      return bus;
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  publish(): void {
    const now = Date.now();
    void this.db
      .insertInto('fnode_bus_events')
      .values({ node_id: this.opts.nodeId, at: now })
      .execute()
      .then(() =>
        this.db
          .deleteFrom('fnode_bus_events')
          .where('at', '<', now - KEEP_MSECS)
          .execute(),
      )
      .catch(this.opts.onError);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.polling;
    await this.db.destroy();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .catch(this.opts.onError)
        .finally(() => this.schedule());
    }, MYSQL_BUS_POLL_MSECS);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (await this.read()) this.opts.onInvalidate();
  }

  /** Reads the announcements not seen yet; true when another node made one. */
  private async read(): Promise<boolean> {
    const rows = await this.db
      .selectFrom('fnode_bus_events')
      .select(['seq', 'node_id'])
      .where('seq', '>', Math.max(0, this.lastSeq - LOOK_BACK_ROWS))
      .orderBy('seq')
      .execute();
    let fromOthers = false;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (this.seen.has(seq)) continue;
      this.seen.add(seq);
      this.lastSeq = Math.max(this.lastSeq, seq);
      if (row.node_id !== this.opts.nodeId) fromOthers = true;
    }
    for (const seq of this.seen) if (seq <= this.lastSeq - LOOK_BACK_ROWS) this.seen.delete(seq);
    return fromOthers;
  }
}
