import type { Annotations } from '../models/index.js';
import { cleanRoutePath, fail } from '../models/index.js';

/** The `app` object of `{"app":{…}}`, as Go would decode it (null = absent). */
export interface V1AppBody {
  id?: string;
  name?: string;
  config?: Record<string, string>;
  annotations?: Annotations;
  syslog_url?: string;
}

/** The `route` object of `{"route":{…}}`. */
export interface V1RouteBody {
  path?: string;
  image?: string;
  memory?: number;
  cpus?: string;
  headers?: Record<string, string[]>;
  type?: string;
  format?: string;
  timeout?: number;
  idle_timeout?: number;
  tmpfs_size?: number;
  config?: Record<string, string>;
  annotations?: Annotations;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's decoder: a value of the wrong JSON type is `Invalid JSON`; unknown fields are ignored. */
function str(o: Obj, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail('InvalidJSON');
  return v;
}

function uint(o: Obj, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail('InvalidJSON');
  return v;
}

function int(o: Obj, k: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail('InvalidJSON');
  return v;
}

function stringMap(o: Obj, k: string): Record<string, string> | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail('InvalidJSON');
  const out: Record<string, string> = {};
  for (const [key, val] of Object.entries(v)) {
    if (val !== null && typeof val !== 'string') fail('InvalidJSON');
    out[key] = val ?? '';
  }
  return out;
}

function headerMap(o: Obj, k: string): Record<string, string[]> | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail('InvalidJSON');
  const out: Record<string, string[]> = {};
  for (const [key, val] of Object.entries(v)) {
    if (val === null) {
      out[key] = [];
      continue;
    }
    if (!Array.isArray(val) || val.some((x) => typeof x !== 'string')) fail('InvalidJSON');
    out[key] = val as string[];
  }
  return out;
}

function annotations(o: Obj): Annotations | undefined {
  const v = o['annotations'];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail('InvalidJSON');
  return v;
}

function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The wrapped object, or undefined when the wrapper key is missing or null. */
function unwrap(body: unknown, key: string): Obj | undefined {
  if (body === undefined) fail('InvalidJSON');
  if (!isObj(body)) fail('InvalidJSON');
  const inner = body[key];
  if (inner === undefined || inner === null) return undefined;
  if (!isObj(inner)) fail('InvalidJSON');
  return inner;
}

export function appFromBody(body: unknown): V1AppBody | undefined {
  const a = unwrap(body, 'app');
  if (!a) return undefined;
  return compact({
    id: str(a, 'id'),
    name: str(a, 'name'),
    config: stringMap(a, 'config'),
    annotations: annotations(a),
    syslog_url: str(a, 'syslog_url'),
  });
}

export function routeFromBody(body: unknown): V1RouteBody | undefined {
  const r = unwrap(body, 'route');
  if (!r) return undefined;
  const path = str(r, 'path');
  return compact({
    // Fn cleans the path before anything else: `/a/` is `/a`, also for the immutability check.
    path: path === undefined ? undefined : cleanRoutePath(path),
    image: str(r, 'image'),
    memory: uint(r, 'memory'),
    cpus: str(r, 'cpus'),
    headers: headerMap(r, 'headers'),
    type: str(r, 'type'),
    format: str(r, 'format'),
    timeout: int(r, 'timeout'),
    idle_timeout: int(r, 'idle_timeout'),
    tmpfs_size: uint(r, 'tmpfs_size'),
    config: stringMap(r, 'config'),
    annotations: annotations(r),
  });
}
