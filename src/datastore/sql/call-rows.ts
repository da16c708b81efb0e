import type { Insertable, Selectable } from 'kysely';
import type { Call, CallReason, CallStatus, StatsPoint } from '../../models/index.js';
import { toJsonOrNull } from './codec.js';
import type { CallsTable } from './schema.js';

/** Every column but the key: what an upsert or a compare-and-swap rewrites. */
export const CallValueColumns = [
  'status',
  'app_id',
  'app_name',
  'fn_id',
  'trigger_id',
  'path',
  'image',
  'type',
  'format',
  'memory',
  'cpus',
  'timeout',
  'idle_timeout',
  'priority',
  'config',
  'headers',
  'method',
  'url',
  'payload',
  'created_at',
  'started_at',
  'completed_at',
  'stats',
  'error',
  'reason',
  'execution_duration',
  'attempt',
  'runs',
  'retry_of',
  'event_at',
  'run_at',
  'dead_letter',
  'payload_encoding',
] as const satisfies readonly (keyof CallsTable)[];

/**
 * The calls a container serves between two of its stats samples (about one a second) share the
 * latest one: its JSON is made once for all their records.
 */
const onePointJson = new WeakMap<StatsPoint, string>();

function statsJson(stats: StatsPoint[] | undefined): string | null {
  const only = stats?.length === 1 ? stats[0] : undefined;
  if (!only) return toJsonOrNull(stats);
  let json = onePointJson.get(only);
  if (json === undefined) {
    json = JSON.stringify(stats);
    onePointJson.set(only, json);
  }
  return json;
}

export function callToRow(c: Call): Insertable<CallsTable> {
  return {
    id: c.id,
    status: c.status,
    app_id: c.app_id ?? '',
    app_name: c.app_name ?? '',
    fn_id: c.fn_id ?? '',
    trigger_id: c.trigger_id ?? '',
    path: c.path ?? null,
    image: c.image ?? null,
    type: c.type ?? null,
    format: c.format ?? null,
    memory: c.memory ?? null,
    cpus: c.cpus ?? null,
    timeout: c.timeout ?? null,
    idle_timeout: c.idle_timeout ?? null,
    priority: c.priority ?? null,
    config: toJsonOrNull(c.config),
    headers: toJsonOrNull(c.headers),
    method: c.method ?? null,
    url: c.url ?? null,
    payload: c.payload ?? null,
    created_at: c.created_at,
    started_at: c.started_at ?? null,
    completed_at: c.completed_at ?? null,
    stats: statsJson(c.stats),
    error: c.error ?? null,
    reason: c.reason ?? null,
    execution_duration: c.execution_duration ?? null,
    attempt: c.attempt ?? null,
    runs: c.runs ?? null,
    retry_of: c.retry_of ?? null,
    event_at: c.event_at ?? null,
    run_at: c.run_at ?? null,
    dead_letter: c.dead_letter ? 1 : null,
    payload_encoding: c.payload_encoding ?? null,
  };
}

/** NULL columns are absent from the call, never `null`. */
export function callFromRow(row: Selectable<CallsTable>): Call {
  const call: Call = {
    id: row.id,
    status: row.status as CallStatus,
    app_id: row.app_id,
    app_name: row.app_name,
    fn_id: row.fn_id,
    trigger_id: row.trigger_id,
    created_at: row.created_at,
  };
  if (row.path !== null) call.path = row.path;
  if (row.image !== null) call.image = row.image;
  if (row.type !== null) call.type = row.type;
  if (row.format !== null) call.format = row.format;
  if (row.memory !== null) call.memory = row.memory;
  if (row.cpus !== null) call.cpus = row.cpus;
  if (row.timeout !== null) call.timeout = row.timeout;
  if (row.idle_timeout !== null) call.idle_timeout = row.idle_timeout;
  if (row.priority !== null) call.priority = row.priority;
  if (row.config !== null) call.config = JSON.parse(row.config) as Record<string, string>;
  if (row.headers !== null) call.headers = JSON.parse(row.headers) as Record<string, string[]>;
  if (row.method !== null) call.method = row.method;
  if (row.url !== null) call.url = row.url;
  if (row.payload !== null) call.payload = row.payload;
  if (row.started_at !== null) call.started_at = row.started_at;
  if (row.completed_at !== null) call.completed_at = row.completed_at;
  if (row.stats !== null) call.stats = JSON.parse(row.stats) as StatsPoint[];
  if (row.error !== null) call.error = row.error;
  if (row.reason !== null) call.reason = row.reason as CallReason;
  if (row.execution_duration !== null) call.execution_duration = Number(row.execution_duration);
  if (row.attempt !== null) call.attempt = row.attempt;
  if (row.runs !== null) call.runs = row.runs;
  if (row.retry_of !== null) call.retry_of = row.retry_of;
  if (row.event_at !== null) call.event_at = row.event_at;
  if (row.run_at !== null) call.run_at = row.run_at;
  if (row.dead_letter) call.dead_letter = true;
  if (row.payload_encoding === 'base64') call.payload_encoding = 'base64';
  return call;
}
