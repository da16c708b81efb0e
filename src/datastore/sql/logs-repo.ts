import type { Kysely } from 'kysely';
import { fail } from '../../models/index.js';
import type { Database, DialectKind } from './schema.js';

/** Call logs, one row per call id. */
export class LogsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  async insert(callId: string, log: string): Promise<void> {
    if (!callId) fail('DatastoreEmptyCallID');
    const insert = this.db.insertInto('logs').values({ id: callId, log });
    if (this.kind === 'mysql') await insert.onDuplicateKeyUpdate({ log }).execute();
    else await insert.onConflict((oc) => oc.column('id').doUpdateSet({ log })).execute();
  }

  async get(callId: string): Promise<string> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db.selectFrom('logs').select('log').where('id', '=', callId).executeTakeFirst();
    if (!row) fail('CallLogNotFound');
    return row.log;
  }
}
