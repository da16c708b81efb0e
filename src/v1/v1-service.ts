import type { Datastore } from '../datastore/index.js';
import {
  type Annotations,
  ApiError,
  type App,
  type Config,
  clampPerPage,
  decodeCursor,
  errV1InvalidSyslog,
  fail,
  isApiError,
  isValidResourceName,
  parseMilliCPUs,
  type Route,
  routeWithDefaults,
  validateRoute,
} from '../models/index.js';
import type { V1AppBody, V1RouteBody } from './v1-bodies.js';

/**
 * A route as Fn v1's `models.Route` marshals it: its fields in Go's order, cpus as `MilliCPUs`
 * (`""` when unset), `tmpfs_size` always present, and empty maps left out (`omitempty`).
 */
export interface V1Route {
  app_id: string;
  path: string;
  image: string;
  memory: number;
  cpus: string;
  headers?: Record<string, string[]>;
  type: string;
  format: string;
  timeout: number;
  idle_timeout: number;
  tmpfs_size: number;
  config?: Config;
  annotations?: Annotations;
  created_at: string;
  updated_at: string;
}

const nonEmpty = <T extends object>(m: T | undefined): T | undefined =>
  m && Object.keys(m).length > 0 ? m : undefined;

/** Go's `MilliCPUs` text: whole milli-CPUs with an `m`; a value stored as `"0.5"` reads `"500m"`. */
export function milliCPUsText(cpus: string | undefined): string {
  if (!cpus || cpus.endsWith('m')) return cpus ?? '';
  try {
    return `${parseMilliCPUs(cpus)}m`;
  } catch {
    // Stored before validation tightened: show it rather than fail the read.
    return cpus;
  }
}

export function toV1Route(r: Route): V1Route {
  const headers = nonEmpty(r.headers);
  const config = nonEmpty(r.config);
  const annotations = nonEmpty(r.annotations);
  return {
    app_id: r.app_id,
    path: r.path,
    image: r.image,
    memory: r.memory,
    cpus: milliCPUsText(r.cpus),
    ...(headers ? { headers } : {}),
    type: r.type,
    format: r.format,
    timeout: r.timeout,
    idle_timeout: r.idle_timeout,
    tmpfs_size: r.tmpfs_size ?? 0,
    ...(config ? { config } : {}),
    ...(annotations ? { annotations } : {}),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Fn v1's app and route rules (`apps_v1_*.go`, `routes_*.go`) on the shared datastore. */
export class V1Service {
  constructor(private readonly ds: Datastore) {}

  /** The app named in the URL; 404 App not found. */
  async app(name: string): Promise<App> {
    if (!isValidResourceName(name)) fail('AppsNotFound');
    return this.ds.getAppByName(name);
  }

  async listApps(q: { cursor?: string; per_page?: string }): Promise<{ apps: App[]; next_cursor: string }> {
    decodeCursor(q.cursor);
    const page = await this.ds.getApps({
      perPage: clampPerPage(q.per_page),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { apps: page.items, next_cursor: page.nextCursor ?? '' };
  }

  async createApp(body: V1AppBody | undefined): Promise<App> {
    if (!body) fail('AppsMissingNew');
    if (body.id) fail('AppIDProvided');
    return this.ds.insertApp({ name: body.name ?? '', ...appFields(body) }).catch(v1SyslogError(body));
  }

  /** A name in the body is refused, even the same one (Fn v1). */
  async updateApp(name: string, body: V1AppBody | undefined): Promise<App> {
    if (!body) fail('AppsMissingNew');
    if (body.name) fail('AppsNameImmutable');
    const app = await this.app(name);
    return this.ds.updateApp(app.id, appFields(body)).catch(v1SyslogError(body));
  }

  async removeApp(name: string): Promise<void> {
    const app = await this.app(name);
    await this.ds.removeApp(app.id);
  }

  async listRoutes(
    appName: string,
    q: { image?: string; cursor?: string; per_page?: string },
  ): Promise<{ routes: V1Route[]; next_cursor: string }> {
    const app = await this.app(appName);
    decodeCursor(q.cursor);
    const page = await this.ds.getRoutesByApp(app.id, {
      perPage: clampPerPage(q.per_page),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.image ? { image: q.image } : {}),
    });
    return { routes: page.items.map((r) => toV1Route(r)), next_cursor: page.nextCursor ?? '' };
  }

  async getRoute(appName: string, path: string): Promise<V1Route> {
    const app = await this.app(appName);
    return toV1Route(await this.ds.getRoute(app.id, path));
  }

  /** POST: a new route; the app is created when it does not exist yet. */
  async createRoute(appName: string, body: V1RouteBody | undefined): Promise<V1Route> {
    if (!body) fail('RoutesMissingNew');
    if (!body.path) fail('RoutesMissingPath');
    checkNewRoute(body, body.path);
    const app = await this.appOrCreate(appName);
    const route = await this.ds.insertRoute(newRoute(app.id, body.path, body));
    return toV1Route(route);
  }

  /** PUT: creates the route (and its app) or updates it; `created` tells which. */
  async upsertRoute(
    appName: string,
    path: string,
    body: V1RouteBody | undefined,
  ): Promise<{ route: V1Route; created: boolean }> {
    if (!body) fail('RoutesMissingNew');
    if (body.path && body.path !== path) fail('RoutesPathImmutable');
    const app = await this.appOrCreate(appName);
    const existing = await this.ds.getRoute(app.id, path).catch(notFoundAsUndefined);
    if (existing) {
      const route = await this.ds.updateRoute(app.id, path, routePatch(body));
      return { route: toV1Route(route), created: false };
    }
    checkNewRoute(body, path);
    try {
      const route = await this.ds.insertRoute(newRoute(app.id, path, body));
      return { route: toV1Route(route), created: true };
    } catch (err) {
      // Created by someone else in between: update it instead.
      if (!(err instanceof ApiError && err.status === 409)) throw err;
      const route = await this.ds.updateRoute(app.id, path, routePatch(body));
      return { route: toV1Route(route), created: false };
    }
  }

  /** PATCH: the route must exist; its path cannot change. */
  async updateRoute(appName: string, path: string, body: V1RouteBody | undefined): Promise<V1Route> {
    if (!body) fail('RoutesMissingNew');
    if (body.path && body.path !== path) fail('RoutesPathImmutable');
    const app = await this.app(appName);
    return toV1Route(await this.ds.updateRoute(app.id, path, routePatch(body)));
  }

  async removeRoute(appName: string, path: string): Promise<void> {
    const app = await this.app(appName);
    await this.ds.removeRoute(app.id, path);
  }

  private async appOrCreate(name: string): Promise<App> {
    const found = await this.ds.getAppByName(name).catch(notFoundAsUndefined);
    if (found) return found;
    try {
      return await this.ds.insertApp({ name });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) return this.ds.getAppByName(name);
      throw err;
    }
  }
}

/**
 * The shared app rules give the v2 message, with its reason; v1 answers the url alone. Checked
 * after the datastore's validation so that an invalid name still wins, as in Fn.
 */
function v1SyslogError(body: V1AppBody): (err: unknown) => never {
  return (err) => {
    const url = body.syslog_url;
    if (url && isApiError(err) && err.code === 'InvalidSyslogUrl') {
      throw errV1InvalidSyslog(url);
    }
    throw err;
  };
}

function appFields(body: V1AppBody): Partial<Pick<App, 'config' | 'annotations' | 'syslog_url'>> {
  return {
    ...(body.config ? { config: body.config } : {}),
    ...(body.annotations ? { annotations: body.annotations } : {}),
    ...(body.syslog_url !== undefined ? { syslog_url: body.syslog_url } : {}),
  };
}

function newRoute(appId: string, path: string, body: V1RouteBody) {
  const { path: _p, ...fields } = body;
  return routeWithDefaults({ ...fields, app_id: appId, path, image: body.image ?? '' });
}

function routePatch(body: V1RouteBody) {
  const { path: _p, ...patch } = body;
  return patch;
}

/** Validates before anything is written, so an invalid route does not leave a new app behind. */
function checkNewRoute(body: V1RouteBody, path: string): void {
  validateRoute({ ...newRoute('-', path, body), created_at: '', updated_at: '' });
}

function notFoundAsUndefined(err: unknown): undefined {
  if (err instanceof ApiError && err.status === 404) return undefined;
  throw err;
}
