import type { Insertable, Selectable } from 'kysely';
import type { Call, CallReason, CallStatus } from '../../models/index.js';
import { toJsonOrNull } from './codec.js';
import { decodeStats, decodeTimeAfter, encodeStats, encodeTimeAfter } from './compact-values.js';
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
  'settings_id',
] as const satisfies readonly (keyof CallsTable)[];

/**
 * What a call shares with the other calls of its fn (or route) as it was: stored once in
 * `call_settings` and referenced by the call's row, so a call's row holds only what is its own.
 */
export type CallSettingsValues = Partial<
  Pick<
    Call,
    | 'app_name'
    | 'trigger_id'
    | 'image'
    | 'type'
    | 'format'
    | 'memory'
    | 'cpus'
    | 'timeout'
    | 'idle_timeout'
    | 'priority'
    | 'config'
    | 'method'
    | 'url'
  >
>;

const SYNC = 'sync';

/** Empty config and headers are not stored: Fn's answer omits them (`omitempty`) too. */
function isEmptyMap(m: object | undefined): boolean {
  return m === undefined || Object.keys(m).length === 0;
}

/**
 * The call's shared settings; undefined when it has none. Columns queried on stay in the row:
 * `path`, and `type` but for `sync` (the runner looks for async calls); so does a URL with a
 * query (the call's own).
 */
export function settingsOf(c: Call): CallSettingsValues | undefined {
  const s: CallSettingsValues = {};
  if (c.app_name) s.app_name = c.app_name;
  if (c.trigger_id) s.trigger_id = c.trigger_id;
  if (c.image !== undefined) s.image = c.image;
  if (c.type === SYNC) s.type = c.type;
  if (c.format !== undefined) s.format = c.format;
  if (c.memory !== undefined) s.memory = c.memory;
  if (c.cpus !== undefined) s.cpus = c.cpus;
  if (c.timeout !== undefined) s.timeout = c.timeout;
  if (c.idle_timeout !== undefined) s.idle_timeout = c.idle_timeout;
  if (c.priority !== undefined) s.priority = c.priority;
  if (c.config !== undefined && !isEmptyMap(c.config)) s.config = c.config;
  if (c.method !== undefined) s.method = c.method;
  if (c.url !== undefined && !c.url.includes('?')) s.url = c.url;
  return Object.keys(s).length === 0 ? undefined : s;
}

/**
 * A call's row. With `settings` (the id of the call's settings row and those settings), the
 * shared fields are left to that row; times after creation and stats take their compact forms.
 */
export function callToRow(
  c: Call,
  settings?: { id: number; values: CallSettingsValues },
): Insertable<CallsTable> {
  const s = settings?.values ?? {};
  const own = <K extends keyof CallSettingsValues>(k: K): Call[K] | undefined =>
    s[k] === undefined ? c[k] : undefined;
  return {
    id: c.id,
    status: c.status,
    app_id: c.app_id ?? '',
    app_name: own('app_name') ?? '',
    fn_id: c.fn_id ?? '',
    trigger_id: own('trigger_id') ?? '',
    path: c.path ?? null,
    image: own('image') ?? null,
    type: own('type') ?? null,
    format: own('format') ?? null,
    memory: own('memory') ?? null,
    cpus: own('cpus') ?? null,
    timeout: own('timeout') ?? null,
    idle_timeout: own('idle_timeout') ?? null,
    priority: own('priority') ?? null,
    config: isEmptyMap(c.config) ? null : toJsonOrNull(own('config')),
    headers: isEmptyMap(c.headers) ? null : toJsonOrNull(c.headers),
    method: own('method') ?? null,
    url: own('url') ?? null,
    payload: c.payload ?? null,
    created_at: c.created_at,
    started_at: encodeTimeAfter(c.created_at, c.started_at),
    completed_at: encodeTimeAfter(c.created_at, c.completed_at),
    stats: encodeStats(c.created_at, c.stats),
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
    settings_id: settings?.id ?? null,
  };
}

/** NULL columns are absent from the call, never `null`; `settings` are the row's shared settings. */
export function callFromRow(row: Selectable<CallsTable>, settings: CallSettingsValues = {}): Call {
  const s = settings;
  const call: Call = {
    id: row.id,
    status: row.status as CallStatus,
    app_id: row.app_id,
    app_name: s.app_name ?? row.app_name,
    fn_id: row.fn_id,
    trigger_id: s.trigger_id ?? row.trigger_id,
    created_at: row.created_at,
  };
  const image = s.image ?? row.image;
  const format = s.format ?? row.format;
  const memory = s.memory ?? row.memory;
  const cpus = s.cpus ?? row.cpus;
  const timeout = s.timeout ?? row.timeout;
  const idleTimeout = s.idle_timeout ?? row.idle_timeout;
  const priority = s.priority ?? row.priority;
  const method = s.method ?? row.method;
  const url = s.url ?? row.url;
  if (row.path !== null) call.path = row.path;
  if (image !== null) call.image = image;
  const type = s.type ?? row.type;
  if (type !== null) call.type = type;
  if (format !== null) call.format = format;
  if (memory !== null) call.memory = memory;
  if (cpus !== null) call.cpus = cpus;
  if (timeout !== null) call.timeout = timeout;
  if (idleTimeout !== null) call.idle_timeout = idleTimeout;
  if (priority !== null) call.priority = priority;
  if (s.config !== undefined) call.config = s.config;
  else if (row.config !== null) call.config = JSON.parse(row.config) as Record<string, string>;
  if (row.headers !== null) call.headers = JSON.parse(row.headers) as Record<string, string[]>;
  if (method !== null) call.method = method;
  if (url !== null) call.url = url;
  if (row.payload !== null) call.payload = row.payload;
  const startedAt = decodeTimeAfter(row.created_at, row.started_at);
  const completedAt = decodeTimeAfter(row.created_at, row.completed_at);
  if (startedAt !== undefined) call.started_at = startedAt;
  if (completedAt !== undefined) call.completed_at = completedAt;
  const stats = decodeStats(row.created_at, row.stats);
  if (stats !== undefined) call.stats = stats;
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
