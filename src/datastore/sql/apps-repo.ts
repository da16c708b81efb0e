import type { Kysely, Selectable } from 'kysely';
import {
  type App,
  type AppPatch,
  decodeCursor,
  fail,
  jsonEqual,
  newId,
  now,
  updateApp,
  validateApp,
  hasNul,
} from '../../models/index.js';
import type { AppFilter, NewApp, Page } from '../datastore.js';
import { fromJsonMap, toJson, toPage } from './codec.js';
import type { AppsTable, Database, DialectKind } from './schema.js';
import { translateConflict } from './sql-errors.js';
import { inTransaction } from './transaction.js';

export class AppsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  async insert(input: NewApp): Promise<App> {
    const at = now();
    // Through the row and back, so the result is exactly what a read will return.
    const app = appFromRow(
      appToRow({
        id: newId(),
        name: input.name,
        ...(input.config && { config: input.config }),
        ...(input.annotations && { annotations: input.annotations }),
        ...(input.syslog_url && { syslog_url: input.syslog_url }),
        ...(input.shape && { shape: input.shape }),
        created_at: at,
        updated_at: at,
      }),
    );
    validateApp(app);
    const existing = await this.db
      .selectFrom('apps')
      .select('id')
      .where('name', '=', app.name)
      .executeTakeFirst();
    if (existing) fail('AppsAlreadyExists');
    try {
      await this.db.insertInto('apps').values(appToRow(app)).execute();
    } catch (err) {
      throw translateConflict(err, { apps_name_unique: 'AppsAlreadyExists' });
    }
    return app;
  }

  async update(id: string, patch: AppPatch): Promise<App> {
    return inTransaction(this.db, async (tx) => {
      const row = await tx
        .selectFrom('apps')
        .selectAll()
        .where('id', '=', id)
        .$if(this.kind !== 'sqlite', (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row) fail('AppsNotFound');
      const current = appFromRow(row);
      const next = updateApp(current, patch, now());
      validateApp(next);
      if (!jsonEqual(current, next)) {
        const { id: _id, name: _name, created_at: _created, ...changes } = appToRow(next);
        await tx.updateTable('apps').set(changes).where('id', '=', id).execute();
      }
      return next;
    });
  }

  async getById(id: string): Promise<App> {
    const row = await this.db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) fail('AppsNotFound');
    return appFromRow(row);
  }

  async getByName(name: string): Promise<App> {
    if (hasNul(name)) fail('AppsNotFound');
    const row = await this.db.selectFrom('apps').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) fail('AppsNotFound');
    return appFromRow(row);
  }

  async list(filter: AppFilter): Promise<Page<App>> {
    const after = decodeCursor(filter.cursor);
    if (hasNul(filter.name)) return { items: [] };
    const rows = await this.db
      .selectFrom('apps')
      .selectAll()
      .$if(filter.name !== undefined && filter.name !== '', (q) => q.where('name', '=', filter.name!))
      .$if(after !== undefined, (q) => q.where('name', '>', after!))
      .orderBy('name')
      .limit(filter.perPage)
      .execute();
    return toPage(rows.map(appFromRow), filter.perPage, (a) => a.name);
  }

  /** Fns, triggers and routes go with the app through ON DELETE CASCADE. */
  async remove(id: string): Promise<void> {
    const res = await this.db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
    if (res.numDeletedRows === 0n) fail('AppsNotFound');
  }
}

function appToRow(app: App): Selectable<AppsTable> {
  return {
    id: app.id,
    name: app.name,
    config: toJson(app.config),
    annotations: toJson(app.annotations),
    syslog_url: app.syslog_url ?? null,
    shape: app.shape ?? null,
    created_at: app.created_at,
    updated_at: app.updated_at,
  };
}

/** Empty config and annotations, and NULL syslog_url and shape, are absent, as in Fn's JSON. */
function appFromRow(row: Selectable<AppsTable>): App {
  const config = fromJsonMap<Record<string, string>>(row.config);
  const annotations = fromJsonMap<Record<string, unknown>>(row.annotations);
  return {
    id: row.id,
    name: row.name,
    ...(config && { config }),
    ...(annotations && { annotations }),
    ...(row.syslog_url ? { syslog_url: row.syslog_url } : {}),
    ...(row.shape ? { shape: row.shape } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
