import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Call } from '../../models/index.js';
import { type CallSettingsValues, callFromRow, callToRow, settingsOf } from './call-rows.js';
import { hashKey } from './codec.js';
import type { CallsTable, Database, DialectKind } from './schema.js';

/** Settings kept in memory per direction; a server sees few distinct ones (one per fn version). */
const CACHE_ENTRIES = 4096;

/**
 * Calls' shared settings (image, memory, timeouts, config, URL…), stored once per distinct set
 * in `call_settings` and referenced by id from each call's row. A settings row never changes and
 * is never removed, so what is read or written once is kept in memory, by every node alike.
 */
export class CallSettings {
  private readonly idByJson = new Map<string, number>();
  private readonly valuesById = new Map<number, CallSettingsValues>();

  constructor(private readonly kind: DialectKind) {}

  /** The calls' rows, storing any settings not stored yet (before, never in, a transaction). */
  async toRows(db: Kysely<Database>, calls: readonly Call[]): Promise<Insertable<CallsTable>[]> {
    const settings = calls.map(settingsOf);
    const jsons = settings.map((s) => (s === undefined ? undefined : JSON.stringify(s)));
    const missing = [...new Set(jsons.filter((j): j is string => j !== undefined && !this.idByJson.has(j)))];
    if (missing.length > 0) await this.store(db, missing);
    return calls.map((c, i) => {
      const json = jsons[i];
      const values = settings[i];
      const id = json === undefined ? undefined : this.idByJson.get(json);
      return id === undefined || values === undefined ? callToRow(c) : callToRow(c, { id, values });
    });
  }

  async toRow(db: Kysely<Database>, call: Call): Promise<Insertable<CallsTable>> {
    const [row] = await this.toRows(db, [call]);
    return row!;
  }

  /** The calls of rows, reading the settings this node has not seen yet. */
  async fromRows(db: Kysely<Database>, rows: readonly Selectable<CallsTable>[]): Promise<Call[]> {
    const missing = [
      ...new Set(
        rows
          .map((r) => r.settings_id)
          .filter((id): id is number => id !== null && !this.valuesById.has(Number(id))),
      ),
    ];
    if (missing.length > 0) {
      const found = await db
        .selectFrom('call_settings')
        .select(['id', 'settings'])
        .where('id', 'in', missing)
        .execute();
      for (const r of found) this.remember(this.valuesById, Number(r.id), JSON.parse(r.settings));
    }
    return rows.map((r) =>
      callFromRow(r, r.settings_id === null ? undefined : this.valuesById.get(Number(r.settings_id))),
    );
  }

  async fromRow(db: Kysely<Database>, row: Selectable<CallsTable>): Promise<Call> {
    const [call] = await this.fromRows(db, [row]);
    return call!;
  }

  /** Inserts the settings a unique hash does not know yet (concurrent nodes agree), then reads their ids. */
  private async store(db: Kysely<Database>, jsons: readonly string[]): Promise<void> {
    const byHash = new Map(jsons.map((j) => [hashKey(j), j]));
    const insert = db
      .insertInto('call_settings')
      .values([...byHash].map(([hash, settings]) => ({ hash, settings })));
    if (this.kind === 'mysql') await insert.ignore().execute();
    else await insert.onConflict((oc) => oc.column('hash').doNothing()).execute();
    const rows = await db
      .selectFrom('call_settings')
      .select(['id', 'hash', 'settings'])
      .where('hash', 'in', [...byHash.keys()])
      .execute();
    for (const r of rows) {
      const json = byHash.get(r.hash);
      if (json === undefined) continue;
      this.remember(this.idByJson, json, Number(r.id));
      this.remember(this.valuesById, Number(r.id), JSON.parse(r.settings) as CallSettingsValues);
    }
  }

  private remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (map.size >= CACHE_ENTRIES) map.clear();
    map.set(key, value);
  }
}
