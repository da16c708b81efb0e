import type { Kysely, Selectable } from 'kysely';
import {
  type Route,
  decodeCursor,
  fail,
  jsonEqual,
  now,
  routeWithDefaults,
  validateRoute,
  hasNul,
} from '../../models/index.js';
import type { NewRoute, Page, RouteFilter, RoutePatch } from '../datastore.js';
import { fromJsonMap, hashKey, toJson, toPage } from './codec.js';
import { applyRoutePatch } from './route-update.js';
import type { Database, DialectKind, RoutesTable } from './schema.js';
import { isForeignKeyViolation, translateConflict } from './sql-errors.js';
import { inTransaction } from './transaction.js';

/** Fn v1 routes, keyed by (app_id, path). */
export class RoutesRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
  ) {}

  async insert(input: NewRoute): Promise<Route> {
    const at = now();
    const candidate: Route = { ...routeWithDefaults(input), created_at: at, updated_at: at };
    validateRoute(candidate);
    // Through the row and back, so the result is exactly what a read will return.
    const route = routeFromRow(routeToRow(candidate));
    try {
      return await inTransaction(this.db, async (tx) => {
        const app = await tx
          .selectFrom('apps')
          .select('id')
          .where('id', '=', route.app_id)
          .executeTakeFirst();
        if (!app) fail('AppsNotFound');
        const existing = await byPath(tx, route.app_id, route.path).executeTakeFirst();
        if (existing) fail('RoutesAlreadyExists');
        await tx.insertInto('routes').values(routeToRow(route)).execute();
        return route;
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) fail('AppsNotFound');
      throw translateConflict(err, { routes_app_id_path_unique: 'RoutesAlreadyExists' });
    }
  }

  async update(appId: string, path: string, patch: RoutePatch): Promise<Route> {
    if (hasNul(path)) fail('RoutesNotFound');
    return inTransaction(this.db, async (tx) => {
      const row = await byPath(tx, appId, path)
        .$if(this.kind !== 'sqlite', (q) => q.forUpdate())
        .executeTakeFirst();
      if (!row) fail('RoutesNotFound');
      const current = routeFromRow(row);
      const next = applyRoutePatch(current, patch, now());
      validateRoute(next);
      if (!jsonEqual(current, next)) {
        const {
          app_id: _app,
          path: _path,
          path_hash: _hash,
          created_at: _created,
          ...changes
        } = routeToRow(next);
        await tx
          .updateTable('routes')
          .set(changes)
          .where('app_id', '=', appId)
          .where('path_hash', '=', hashKey(path))
          .where('path', '=', path)
          .execute();
      }
      return next;
    });
  }

  async get(appId: string, path: string): Promise<Route> {
    if (hasNul(path)) fail('RoutesNotFound');
    const row = await byPath(this.db, appId, path).executeTakeFirst();
    if (!row) fail('RoutesNotFound');
    return routeFromRow(row);
  }

  async listByApp(appId: string, filter: RouteFilter): Promise<Page<Route>> {
    const after = decodeCursor(filter.cursor);
    if (hasNul(filter.image)) return { items: [] };
    const rows = await this.db
      .selectFrom('routes')
      .selectAll()
      .where('app_id', '=', appId)
      .$if(filter.image !== undefined && filter.image !== '', (q) => q.where('image', '=', filter.image!))
      .$if(after !== undefined, (q) => q.where('path', '>', after!))
      .orderBy('path')
      .limit(filter.perPage)
      .execute();
    return toPage(rows.map(routeFromRow), filter.perPage, (r) => r.path);
  }

  async remove(appId: string, path: string): Promise<void> {
    if (hasNul(path)) fail('RoutesNotFound');
    const res = await this.db
      .deleteFrom('routes')
      .where('app_id', '=', appId)
      .where('path_hash', '=', hashKey(path))
      .where('path', '=', path)
      .executeTakeFirst();
    if (res.numDeletedRows === 0n) fail('RoutesNotFound');
  }
}

function byPath(db: Kysely<Database>, appId: string, path: string) {
  return db
    .selectFrom('routes')
    .selectAll()
    .where('app_id', '=', appId)
    .where('path_hash', '=', hashKey(path))
    .where('path', '=', path);
}

function routeToRow(r: Route): Selectable<RoutesTable> {
  return {
    app_id: r.app_id,
    path: r.path,
    path_hash: hashKey(r.path),
    image: r.image,
    memory: r.memory,
    cpus: r.cpus || null,
    headers: toJson(r.headers),
    type: r.type,
    format: r.format,
    timeout: r.timeout,
    idle_timeout: r.idle_timeout,
    tmpfs_size: r.tmpfs_size || null,
    config: toJson(r.config),
    annotations: toJson(r.annotations),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Empty maps and NULL optional fields are absent, as in Fn v1's JSON (omitempty). */
function routeFromRow(row: Selectable<RoutesTable>): Route {
  const headers = fromJsonMap<Record<string, string[]>>(row.headers);
  const config = fromJsonMap<Record<string, string>>(row.config);
  const annotations = fromJsonMap<Record<string, unknown>>(row.annotations);
  return {
    app_id: row.app_id,
    path: row.path,
    image: row.image,
    memory: row.memory,
    ...(row.cpus ? { cpus: row.cpus } : {}),
    ...(headers && { headers }),
    type: row.type,
    format: row.format,
    timeout: row.timeout,
    idle_timeout: row.idle_timeout,
    ...(row.tmpfs_size ? { tmpfs_size: row.tmpfs_size } : {}),
    ...(config && { config }),
    ...(annotations && { annotations }),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
