import type { ColumnType } from 'kysely';

/** The queue's one table; it lives beside the datastore's tables when it shares their database. */
// A type, not an interface, so that it fits `Kysely.withTables`.
export type QueueDatabase = {
  mq_jobs: MqJobsTable;
};

/** BIGINT columns come back as strings from `pg` and as numbers from the other drivers. */
type BigIntColumn = ColumnType<number | string, number, number>;

export type MqJobsTable = {
  /** The call id. */
  id: string;
  /** 0 (low) to 2 (high). */
  priority: number;
  /** Push order: an identity / auto-increment column, or `max(seq) + 1` on SQLite. */
  seq: ColumnType<number | string, number | undefined, never>;
  /** Epoch ms when the job becomes visible (push time plus delay). */
  available_at: BigIntColumn;
  /** Epoch ms when the current reservation ends; null when never reserved. */
  reserved_until: ColumnType<number | string | null, number | null, number | null>;
  /** The token of the latest reservation; null when never reserved. */
  token: string | null;
  reservations: number;
};
