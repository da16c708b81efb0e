import pg from 'pg';
import type { BusOptions, InvalidationBus } from './invalidation-bus.js';

const RECONNECT_MSECS = 1000;

/** The bus on PostgreSQL LISTEN/NOTIFY, over one connection of its own (reopened if lost). */
export class PgInvalidationBus implements InvalidationBus {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** A notification is on its way; `again` when a write came meanwhile. */
  private sending = false;
  private again = false;

  private constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly opts: BusOptions,
  ) {}

  static async connect(
    connectionString: string,
    channel: string,
    opts: BusOptions,
  ): Promise<PgInvalidationBus> {
    const bus = new PgInvalidationBus(connectionString, channel, opts);
    await bus.open();
    return bus;
  }

  /**
   * One notification at a time on the connection (pg deprecates queries sent while one runs):
   * writes made while one is on its way are announced by one more, as they all say the same.
   */
  publish(): void {
    const client = this.client;
    if (!client) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    client
      .query('select pg_notify($1, $2)', [this.channel, this.opts.nodeId])
      .catch(this.opts.onError)
      .finally(() => {
        this.sending = false;
        if (!this.again) return;
        this.again = false;
        this.publish();
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', (err) => {
      this.opts.onError(err);
      this.reopen(client);
    });
    client.on('end', () => this.reopen(client));
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload !== this.opts.nodeId) this.opts.onInvalidate();
    });
    await client.connect();
    await client.query(`listen ${pg.escapeIdentifier(this.channel)}`);
    this.client = client;
  }

  /** A lost connection is opened again; writes missed meanwhile are covered by the cache's time limit. */
  private reopen(lost: pg.Client): void {
    if (this.closed || this.client !== lost) return;
    this.client = undefined;
    const attempt = () => {
      this.retry = undefined;
      if (this.closed) return;
      this.open().then(
        () => this.opts.onInvalidate(),
        (err: unknown) => {
          this.opts.onError(err);
          this.retry = setTimeout(attempt, RECONNECT_MSECS);
          this.retry.unref();
        },
      );
    };
    attempt();
  }
}
