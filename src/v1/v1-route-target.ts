import type { FunctionSpec } from '../agent/index.js';
import { specForRoute } from '../agent/index.js';
import type { Datastore } from '../datastore/index.js';
import { type App, type Call, type Fn, fail, type Route } from '../models/index.js';

/** A fn-shaped view of a route, for code written for fns (async settings, call records). */
export function routeAsFn(app: App, route: Route): Fn {
  return {
    id: '',
    name: route.path,
    app_id: app.id,
    image: route.image,
    memory: route.memory,
    timeout: route.timeout,
    idle_timeout: route.idle_timeout,
    config: route.config ?? {},
    ...(route.annotations ? { annotations: route.annotations } : {}),
    created_at: route.created_at,
    updated_at: route.updated_at,
  };
}

/** The async runner's hook for route calls: the call's app and route as they are now. */
export function routeResolver(ds: Pick<Datastore, 'getAppById' | 'getRoute'>) {
  return async (call: Call): Promise<{ app: App; fn: Fn; spec: FunctionSpec }> => {
    if (!call.path) fail('RoutesNotFound');
    const app = await ds.getAppById(call.app_id);
    const route = await ds.getRoute(app.id, call.path);
    return { app, fn: routeAsFn(app, route), spec: specForRoute(app, route) };
  };
}
