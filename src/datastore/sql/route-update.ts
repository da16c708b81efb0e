import { type Route, jsonEqual, mergeAnnotations, mergeConfig } from '../../models/index.js';
import type { RoutePatch } from '../datastore.js';

/**
 * Applies a PATCH to a v1 route (Fn v1's `Route.Update`): zero values mean unchanged; config,
 * headers and annotations merge, an empty value deleting a key; updated_at moves only on a change.
 */
export function applyRoutePatch(route: Route, patch: RoutePatch, at: string): Route {
  const next: Route = { ...route };
  if (patch.image) next.image = patch.image;
  if (patch.memory) next.memory = patch.memory;
  if (patch.cpus) next.cpus = patch.cpus;
  if (patch.type) next.type = patch.type;
  if (patch.format) next.format = patch.format;
  if (patch.timeout) next.timeout = patch.timeout;
  if (patch.idle_timeout) next.idle_timeout = patch.idle_timeout;
  if (patch.tmpfs_size) next.tmpfs_size = patch.tmpfs_size;
  setOrDelete(next, 'config', mergeConfig(route.config, patch.config));
  setOrDelete(next, 'headers', mergeHeaders(route.headers, patch.headers));
  setOrDelete(next, 'annotations', mergeAnnotations(route.annotations, patch.annotations));
  const { updated_at: _a, ...before } = route;
  const { updated_at: _b, ...after } = next;
  if (!jsonEqual(before, after)) next.updated_at = at;
  return next;
}

/** An empty list of values deletes a header. */
function mergeHeaders(
  current: Record<string, string[]> | undefined,
  change: Record<string, string[]> | undefined,
): Record<string, string[]> | undefined {
  if (!change) return current;
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(change)) {
    if (v.length === 0) delete out[k];
    else out[k] = v;
  }
  return out;
}

function setOrDelete<K extends 'config' | 'headers' | 'annotations'>(
  r: Route,
  key: K,
  value: Route[K],
): void {
  if (value === undefined || Object.keys(value).length === 0) delete r[key];
  else r[key] = value;
}
