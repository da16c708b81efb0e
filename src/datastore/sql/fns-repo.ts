import type { Kysely, Selectable } from 'kysely';
import {
  type Fn,
  type FnPatch,
  decodeCursor,
  fail,
  fnWithDefaults,
  jsonEqual,
  newId,
  now,
  updateFn,
  validateFn,
  hasNul,
} from '../../models/index.js';
import type { FnFilter, NewFn, Page } from '../datastore.js';
import { fromJsonMap, toJson, toPage } from './codec.js';
import type { Database, DialectKind, FnsTable } from './schema.js';
import { isForeignKeyViolation, translateConflict } from './sql-errors.js';
import { inTransaction } from './transaction.js';

export class FnsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  /** Fn's order: defaults, validation, the app, then the name. The fn takes the app's shape. */
  async insert(input: NewFn): Promise<Fn> {
    const candidate = fnWithDefaults({
      name: input.name,
      app_id: input.app_id,
      image: input.image,
      memory: input.memory,
      timeout: input.timeout,
      idle_timeout: input.idle_timeout,
      config: input.config,
      annotations: input.annotations,
    });
    validateFn(candidate);
    try {
      return await inTransaction(this.db, async (tx) => {
        const app = await tx
          .selectFrom('apps')
          .select(['id', 'shape'])
          .where('id', '=', candidate.app_id)
          .executeTakeFirst();
        if (!app) fail('AppsNotFound');
        const existing = await tx
          .selectFrom('fns')
          .select('id')
          .where('app_id', '=', candidate.app_id)
          .where('name', '=', candidate.name)
          .executeTakeFirst();
        if (existing) fail('FnsExists');
        const at = now();
        const row = fnToRow({
          ...candidate,
          id: newId(),
          shape: app.shape ?? undefined,
          created_at: at,
          updated_at: at,
        });
        await tx.insertInto('fns').values(row).execute();
        return fnFromRow(row);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) fail('AppsNotFound');
      throw translateConflict(err, { fns_app_id_name_unique: 'FnsExists' });
    }
  }

  async update(id: string, patch: FnPatch): Promise<Fn> {
    return inTransaction(this.db, async (tx) => {
      const row = await tx
        .selectFrom('fns')
        .selectAll()
        .where('id', '=', id)
        .$if(this.kind !== 'sqlite', (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row) fail('FnsNotFound');
      const current = fnFromRow(row);
      const next = updateFn(current, patch, now());
      validateFn(next);
      if (!jsonEqual(current, next)) {
        const { id: _id, app_id: _app, name: _name, created_at: _created, ...changes } = fnToRow(next);
        await tx.updateTable('fns').set(changes).where('id', '=', id).execute();
      }
      return next;
    });
  }

  async getById(id: string): Promise<Fn> {
    const row = await this.db.selectFrom('fns').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) fail('FnsNotFound');
    return fnFromRow(row);
  }

  async list(filter: FnFilter): Promise<Page<Fn>> {
    if (!filter.appId) fail('FnsMissingAppID');
    const after = decodeCursor(filter.cursor);
    if (hasNul(filter.name)) return { items: [] };
    const rows = await this.db
      .selectFrom('fns')
      .selectAll()
      .where('app_id', '=', filter.appId)
      .$if(filter.name !== undefined && filter.name !== '', (q) => q.where('name', '=', filter.name!))
      .$if(after !== undefined, (q) => q.where('name', '>', after!))
      .orderBy('name')
      .limit(filter.perPage)
      .execute();
    return toPage(rows.map(fnFromRow), filter.perPage, (f) => f.name);
  }

  /** Triggers go with the fn through ON DELETE CASCADE. */
  /** Every fn carrying the annotation key (a LIKE narrows the scan; the exact match is made here). */
  async withAnnotation(key: string): Promise<Fn[]> {
    const rows = await this.db
      .selectFrom('fns')
      .selectAll()
      .where('annotations', 'like', `%${JSON.stringify(key)}%`)
      .execute();
    return rows
      .map(fnFromRow)
      .filter((fn) => fn.annotations !== undefined && Object.hasOwn(fn.annotations, key));
  }

  async remove(id: string): Promise<void> {
    const res = await this.db.deleteFrom('fns').where('id', '=', id).executeTakeFirst();
    if (res.numDeletedRows === 0n) fail('FnsNotFound');
  }
}

function fnToRow(fn: Fn): Selectable<FnsTable> {
  return {
    id: fn.id,
    app_id: fn.app_id,
    name: fn.name,
    image: fn.image,
    memory: fn.memory,
    timeout: fn.timeout,
    idle_timeout: fn.idle_timeout,
    config: toJson(fn.config),
    annotations: toJson(fn.annotations),
    shape: fn.shape ?? null,
    created_at: fn.created_at,
    updated_at: fn.updated_at,
  };
}

/** `config` is always present (`{}`); empty annotations and a NULL shape are absent. */
function fnFromRow(row: Selectable<FnsTable>): Fn {
  const annotations = fromJsonMap<Record<string, unknown>>(row.annotations);
  return {
    id: row.id,
    name: row.name,
    app_id: row.app_id,
    image: row.image,
    memory: row.memory,
    timeout: row.timeout,
    idle_timeout: row.idle_timeout,
    config: fromJsonMap<Record<string, string>>(row.config) ?? {},
    ...(annotations && { annotations }),
    ...(row.shape ? { shape: row.shape } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
