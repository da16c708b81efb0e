import type { App, Route } from '../../models/index.js';
import { parseMilliCPUs } from '../../models/index.js';
import { type FunctionSpec, slotKeyOf } from '../function-spec.js';

/** [V1] The spec of a route's calls: its containers are keyed by app, path and settings. */
export function specForRoute(app: App, route: Route): FunctionSpec {
  const spec: Omit<FunctionSpec, 'slotKey'> = {
    appId: app.id,
    appName: app.name,
    fnId: '',
    fnName: route.path,
    image: route.image,
    memoryMB: route.memory,
    cpus: parseMilliCPUs(route.cpus),
    timeoutSecs: route.timeout,
    idleTimeoutSecs: route.idle_timeout,
    config: { ...(app.config ?? {}), ...(route.config ?? {}) },
    ...(app.syslog_url ? { syslogUrl: app.syslog_url } : {}),
    format: route.format,
    path: route.path,
    type: route.type,
    ...(route.tmpfs_size ? { tmpfsSizeMB: route.tmpfs_size } : {}),
    maxConcurrency: 1,
    minHot: 0,
  };
  const key = slotKeyOf({ ...spec, fnId: `route:${route.path}` }, route.annotations);
  return { ...spec, slotKey: JSON.stringify([key, route.format, route.type, route.tmpfs_size ?? 0]) };
}

/** [V1] A legacy-format container's environment (Fn v1 §4.1): config, then the system keys. */
export function legacyEnv(spec: FunctionSpec): Record<string, string> {
  return {
    ...spec.config,
    FN_APP_ID: spec.appId,
    FN_APP_NAME: spec.appName,
    FN_PATH: spec.path ?? '',
    FN_FORMAT: spec.format ?? 'default',
    FN_MEMORY: String(spec.memoryMB),
    FN_TYPE: spec.type ?? 'sync',
    ...(spec.tmpfsSizeMB ? { FN_TMPSIZE: String(spec.tmpfsSizeMB) } : {}),
    ...(spec.cpus > 0 ? { FN_CPUS: `${spec.cpus}m` } : {}),
  };
}
