import type { Kysely } from 'kysely';
import type { CallResponse } from '../datastore.js';
import type { Database, DialectKind } from './schema.js';

/** Stores (or replaces) an async call's response. */
export async function upsertResponse(
  db: Kysely<Database>,
  kind: DialectKind,
  callId: string,
  res: CallResponse,
): Promise<void> {
  const values = {
    status: res.status,
    headers: JSON.stringify(res.headers),
    body: res.body.toString('base64'),
    truncated: res.truncated ? 1 : 0,
  };
  const insert = db.insertInto('call_responses').values({ id: callId, ...values });
  if (kind === 'mysql') await insert.onDuplicateKeyUpdate(values).execute();
  else await insert.onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}
