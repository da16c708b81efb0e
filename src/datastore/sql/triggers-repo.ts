import type { Kysely, Selectable } from 'kysely';
import {
  type Trigger,
  type TriggerPatch,
  decodeCursor,
  fail,
  jsonEqual,
  newId,
  now,
  updateTrigger,
  validateTrigger,
  hasNul,
} from '../../models/index.js';
import type { NewTrigger, Page, TriggerFilter } from '../datastore.js';
import { fromJsonMap, hashKey, toJson, toPage } from './codec.js';
import type { Database, DialectKind, TriggersTable } from './schema.js';
import { isForeignKeyViolation, translateConflict } from './sql-errors.js';
import { inTransaction } from './transaction.js';

const CONFLICTS = {
  triggers_app_id_type_source_unique: 'TriggerSourceExists',
  triggers_app_id_fn_id_name_unique: 'TriggerExists',
} as const;

export class TriggersRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  /** Checks, in Fn's order: the app, the fn, the fn's app, the source, then the name. */
  async insert(input: NewTrigger): Promise<Trigger> {
    const candidate = {
      name: input.name,
      app_id: input.app_id,
      fn_id: input.fn_id,
      type: input.type,
      source: input.source,
      ...(input.annotations && { annotations: input.annotations }),
    };
    validateTrigger(candidate);
    try {
      return await inTransaction(this.db, async (tx) => {
        const app = await tx
          .selectFrom('apps')
          .select('id')
          .where('id', '=', candidate.app_id)
          .executeTakeFirst();
        if (!app) fail('AppsNotFound');
        await checkFn(tx, candidate.fn_id, candidate.app_id);
        const sameSource = await bySource(
          tx,
          candidate.app_id,
          candidate.type,
          candidate.source,
        ).executeTakeFirst();
        if (sameSource) fail('TriggerSourceExists');
        const sameName = await tx
          .selectFrom('triggers')
          .select('id')
          .where('app_id', '=', candidate.app_id)
          .where('fn_id', '=', candidate.fn_id)
          .where('name', '=', candidate.name)
          .executeTakeFirst();
        if (sameName) fail('TriggerExists');
        const at = now();
        const row = triggerToRow({ ...candidate, id: newId(), created_at: at, updated_at: at });
        await tx.insertInto('triggers').values(row).execute();
        return triggerFromRow(row);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) return this.explainMissingReference(candidate.app_id);
      throw translateConflict(err, CONFLICTS);
    }
  }

  /** Name, fn and source may change; a new fn must exist in the same app. */
  async update(id: string, patch: TriggerPatch): Promise<Trigger> {
    try {
      return await inTransaction(this.db, async (tx) => {
        const row = await tx
          .selectFrom('triggers')
          .selectAll()
          .where('id', '=', id)
          .$if(this.kind !== 'sqlite', (q) => q.forUpdate())
          .executeTakeFirst();
        if (!row) fail('TriggerNotFound');
        const current = triggerFromRow(row);
        const next = updateTrigger(current, patch, now());
        validateTrigger(next);
        if (next.fn_id !== current.fn_id) await checkFn(tx, next.fn_id, next.app_id);
        if (!jsonEqual(current, next)) {
          const { id: _id, app_id: _app, type: _type, created_at: _created, ...changes } = triggerToRow(next);
          await tx.updateTable('triggers').set(changes).where('id', '=', id).execute();
        }
        return next;
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) fail('FnsNotFound');
      throw translateConflict(err, CONFLICTS);
    }
  }

  async getById(id: string): Promise<Trigger> {
    const row = await this.db.selectFrom('triggers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) fail('TriggerNotFound');
    return triggerFromRow(row);
  }

  async getBySource(appId: string, type: string, source: string): Promise<Trigger> {
    if (hasNul(type) || hasNul(source)) fail('TriggerNotFound');
    const row = await bySource(this.db, appId, type, source).executeTakeFirst();
    if (!row) fail('TriggerNotFound');
    return triggerFromRow(row);
  }

  async list(filter: TriggerFilter): Promise<Page<Trigger>> {
    if (!filter.appId) fail('TriggerMissingAppID');
    const after = decodeCursor(filter.cursor);
    if (hasNul(filter.name)) return { items: [] };
    const rows = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('app_id', '=', filter.appId)
      .$if(filter.fnId !== undefined && filter.fnId !== '', (q) => q.where('fn_id', '=', filter.fnId!))
      .$if(filter.name !== undefined && filter.name !== '', (q) => q.where('name', '=', filter.name!))
      .$if(after !== undefined, (q) => q.where('name', '>', after!))
      .orderBy('name')
      .limit(filter.perPage)
      .execute();
    return toPage(rows.map(triggerFromRow), filter.perPage, (t) => t.name);
  }

  async remove(id: string): Promise<void> {
    const res = await this.db.deleteFrom('triggers').where('id', '=', id).executeTakeFirst();
    if (res.numDeletedRows === 0n) fail('TriggerNotFound');
  }

  /** The app or fn went away between the checks and the insert. */
  private async explainMissingReference(appId: string): Promise<never> {
    const app = await this.db.selectFrom('apps').select('id').where('id', '=', appId).executeTakeFirst();
    fail(app ? 'FnsNotFound' : 'AppsNotFound');
  }
}

async function checkFn(db: Kysely<Database>, fnId: string, appId: string): Promise<void> {
  const fn = await db.selectFrom('fns').select('app_id').where('id', '=', fnId).executeTakeFirst();
  if (!fn) fail('FnsNotFound');
  if (fn.app_id !== appId) fail('TriggerFnIDNotSameApp');
}

function bySource(db: Kysely<Database>, appId: string, type: string, source: string) {
  return db
    .selectFrom('triggers')
    .selectAll()
    .where('app_id', '=', appId)
    .where('type', '=', type)
    .where('source_hash', '=', hashKey(source))
    .where('source', '=', source);
}

function triggerToRow(t: Trigger): Selectable<TriggersTable> {
  return {
    id: t.id,
    app_id: t.app_id,
    fn_id: t.fn_id,
    name: t.name,
    type: t.type,
    source: t.source,
    source_hash: hashKey(t.source),
    annotations: toJson(t.annotations),
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}

function triggerFromRow(row: Selectable<TriggersTable>): Trigger {
  const annotations = fromJsonMap<Record<string, unknown>>(row.annotations);
  return {
    id: row.id,
    name: row.name,
    app_id: row.app_id,
    fn_id: row.fn_id,
    type: row.type,
    source: row.source,
    ...(annotations && { annotations }),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
