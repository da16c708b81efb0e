import type { Kysely } from 'kysely';
import { fail } from '../../models/index.js';
import type { CallLog } from '../datastore.js';
import { BatchUpsert } from './batch-upsert.js';
import type { Database, DialectKind } from './schema.js';

/** Call logs, one row per call id. */
export class LogsRepo {
  /** Logs are written for most calls, in the recorder's batches. */
  private readonly upsert: BatchUpsert<'logs'>;

  constructor(
    private readonly db: Kysely<Database>,
    kind: DialectKind,
  ) {
    this.upsert = new BatchUpsert(kind, 'logs', ['log']);
  }

  /**
   * A NUL byte a function wrote is kept as U+FFFD, on every datastore: PostgreSQL's `text`
   * refuses U+0000, and would fail the whole batch (the logs of every call in it).
   */
  async insertMany(logs: readonly CallLog[]): Promise<void> {
    if (logs.some((l) => !l.callId)) fail('DatastoreEmptyCallID');
    await this.upsert.run(
      this.db,
      logs.map((l) => ({ id: l.callId, log: l.log.replaceAll('\u0000', '\uFFFD') })),
    );
  }

  async get(callId: string): Promise<string> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db.selectFrom('logs').select('log').where('id', '=', callId).executeTakeFirst();
    if (!row) fail('CallLogNotFound');
    return row.log;
  }
}
