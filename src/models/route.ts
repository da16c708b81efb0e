import { posix } from 'node:path';
import { type Annotations, type Config, validateAnnotations } from './annotations.js';
import { fail } from './errors.js';
import { validatePublicAnnotation } from './fnode-annotations.js';
import { checkTextSize, hasControlCharacter } from './text.js';
import {
  DefaultIdleTimeoutSecs,
  DefaultMemoryMB,
  DefaultTimeoutSecs,
  MaxAsyncTimeoutSecs,
  MaxIdleTimeoutSecs,
  MaxMemoryMB,
  MaxMilliCPUs,
  MaxSyncTimeoutSecs,
  MinMilliCPUs,
} from './limits.js';

export const RouteTypes = ['sync', 'async'] as const;
export const RouteFormats = ['default', 'http', 'http-stream', 'json', 'cloudevent'] as const;

/** Fn v1's Route (seed 003): a path on an app, with its own image and resources. */
export interface Route {
  app_id: string;
  path: string;
  image: string;
  memory: number;
  cpus?: string;
  headers?: Record<string, string[]>;
  type: string;
  format: string;
  timeout: number;
  idle_timeout: number;
  tmpfs_size?: number;
  config?: Config;
  annotations?: Annotations;
  created_at: string;
  updated_at: string;
}

export function routeWithDefaults<T extends Partial<Route>>(
  r: T,
): T & Pick<Route, 'memory' | 'type' | 'format' | 'timeout' | 'idle_timeout'> {
  return {
    ...r,
    memory: r.memory || DefaultMemoryMB,
    type: r.type || 'sync',
    format: r.format || 'default',
    timeout: r.timeout || DefaultTimeoutSecs,
    idle_timeout: r.idle_timeout || DefaultIdleTimeoutSecs,
  };
}

/** Parses `"100m"` or `"0.1"` into milli-CPUs; 0 for empty. Throws InvalidCPUs otherwise. */
export function parseMilliCPUs(cpus: string | undefined): number {
  if (!cpus) return 0;
  let m: number;
  if (cpus.endsWith('m')) m = Number(cpus.slice(0, -1));
  else m = Number(cpus) * 1000;
  if (!Number.isFinite(m) || !Number.isInteger(Math.round(m)) || m < MinMilliCPUs || m > MaxMilliCPUs) {
    fail('InvalidCPUs');
  }
  return Math.round(m);
}

/**
 * Go's `path.Clean`, as Fn v1 applies it to route paths: `//` collapses, `.` and `..` resolve
 * and a trailing `/` goes, so `/a/` and `/a` are one route. Empty stays empty (missing path).
 */
export function cleanRoutePath(path: string): string {
  if (path === '') return path;
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

export function validateRoutePath(path: string | undefined): void {
  if (!path) fail('RoutesMissingPath');
  if (path.includes(':')) fail('FoundDynamicURL');
  if (!path.startsWith('/')) fail('RoutesInvalidPath');
  checkTextSize(path);
  // Go's url.Parse refuses control characters (U+0000 included): Fn answers Path malformed.
  if (hasControlCharacter(path)) fail('PathMalformed');
  try {
    decodeURI(path);
  } catch {
    fail('PathMalformed');
  }
}

export function validateRoute(r: Route): void {
  validateRoutePath(r.path);
  if (!r.image) fail('RoutesMissingImage');
  checkTextSize(r.image);
  if (!(RouteTypes as readonly string[]).includes(r.type)) fail('RoutesInvalidType');
  if (!(RouteFormats as readonly string[]).includes(r.format)) fail('RoutesInvalidFormat');
  const maxTimeout = r.type === 'async' ? MaxAsyncTimeoutSecs : MaxSyncTimeoutSecs;
  if (!Number.isInteger(r.timeout) || r.timeout <= 0 || r.timeout > maxTimeout) fail('RoutesInvalidTimeout');
  if (!Number.isInteger(r.idle_timeout) || r.idle_timeout <= 0 || r.idle_timeout > MaxIdleTimeoutSecs) {
    fail('RoutesInvalidIdleTimeout');
  }
  if (!Number.isInteger(r.memory) || r.memory < 1 || r.memory > MaxMemoryMB) fail('RoutesInvalidMemory');
  parseMilliCPUs(r.cpus);
  validateAnnotations(r.annotations);
  validatePublicAnnotation(r.annotations);
}
