import { CompiledQuery, type Kysely } from 'kysely';
import { fail } from '../../models/index.js';
import type { Database, DialectKind } from './schema.js';

/** Call logs, one row per call id. */
export class LogsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  /** The upsert's SQL, compiled once: a log is written for most calls, off the invoke path. */
  private insertSql: string | undefined;

  async insert(callId: string, log: string): Promise<void> {
    if (!callId) fail('DatastoreEmptyCallID');
    if (this.insertSql !== undefined) {
      await this.db.executeQuery(CompiledQuery.raw(this.insertSql, [callId, log, log]));
      return;
    }
    const insert = this.db.insertInto('logs').values({ id: callId, log });
    const compiled = (
      this.kind === 'mysql'
        ? insert.onDuplicateKeyUpdate({ log })
        : insert.onConflict((oc) => oc.column('id').doUpdateSet({ log }))
    ).compile();
    const [id, value, update] = compiled.parameters;
    if (compiled.parameters.length === 3 && id === callId && value === log && update === log)
      this.insertSql = compiled.sql;
    await this.db.executeQuery(compiled);
  }

  async get(callId: string): Promise<string> {
    if (!callId) fail('DatastoreEmptyCallID');
    const row = await this.db.selectFrom('logs').select('log').where('id', '=', callId).executeTakeFirst();
    if (!row) fail('CallLogNotFound');
    return row.log;
  }
}
