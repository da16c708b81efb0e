import type { Kysely, Migration } from 'kysely';
import { withoutSecretHeaders } from '../../../models/index.js';
import type { Database } from '../schema.js';

/** Rows read and rewritten at a time. */
const BATCH = 500;

/**
 * Call records keep no secrets (issue 13): async calls stored before this version carried the
 * app's and fn's config and the client's credential headers. Removes them from the rows already
 * stored; new records never have them.
 */
export function callSecretsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await scrubCallSecrets(db as Kysely<Database>);
    },
  };
}

/** Drops config from calls and their shared settings, and credential headers from calls. */
export async function scrubCallSecrets(db: Kysely<Database>): Promise<void> {
  await db.updateTable('calls').set({ config: null }).where('config', 'is not', null).execute();
  // One row per distinct set of settings: few. Its hash stays that of the old text, which no new
  // call produces, so a call with the same settings stores them once more, without config.
  for (const row of await db.selectFrom('call_settings').select(['id', 'settings']).execute()) {
    const { config, ...rest } = JSON.parse(row.settings) as Record<string, unknown>;
    if (config === undefined) continue;
    await db
      .updateTable('call_settings')
      .set({ settings: JSON.stringify(rest) })
      .where('id', '=', row.id)
      .execute();
  }
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('calls')
      .select(['id', 'headers'])
      .where('id', '>', after)
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['headers']), 'like', '%authorization%'),
          eb(eb.fn('lower', ['headers']), 'like', '%cookie%'),
        ]),
      )
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const headers = JSON.parse(row.headers ?? '{}') as Record<string, string[]>;
      const kept = withoutSecretHeaders(headers);
      if (kept === headers) continue;
      await db
        .updateTable('calls')
        .set({ headers: Object.keys(kept).length > 0 ? JSON.stringify(kept) : null })
        .where('id', '=', row.id)
        .execute();
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}
