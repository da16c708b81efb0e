import type { ColumnType, Generated } from 'kysely';

/**
 * Kysely row types of the datastore tables. JSON fields are TEXT holding compact JSON; times
 * are the ISO strings of `models/time.ts`, so they sort and compare as strings.
 */
export interface Database {
  apps: AppsTable;
  fns: FnsTable;
  triggers: TriggersTable;
  routes: RoutesTable;
  calls: CallsTable;
  logs: LogsTable;
  idempotency_keys: IdempotencyKeysTable;
  call_responses: CallResponsesTable;
  call_settings: CallSettingsTable;
  tokens: TokensTable;
}

export interface AppsTable {
  id: string;
  name: string;
  config: string;
  annotations: string;
  syslog_url: string | null;
  shape: string | null;
  created_at: string;
  updated_at: string;
}

export interface FnsTable {
  id: string;
  app_id: string;
  name: string;
  image: string;
  memory: number;
  timeout: number;
  idle_timeout: number;
  config: string;
  annotations: string;
  shape: string | null;
  created_at: string;
  updated_at: string;
}

export interface TriggersTable {
  id: string;
  app_id: string;
  fn_id: string;
  name: string;
  type: string;
  source: string;
  /** sha256 hex of `source`: keeps the (app_id, type, source) unique key short on MySQL. */
  source_hash: string;
  annotations: string;
  created_at: string;
  updated_at: string;
}

export interface RoutesTable {
  app_id: string;
  path: string;
  /** sha256 hex of `path`: the unique key, so that paths have no length limit. */
  path_hash: string;
  image: string;
  memory: number;
  cpus: string | null;
  headers: string;
  type: string;
  format: string;
  timeout: number;
  idle_timeout: number;
  tmpfs_size: number | null;
  config: string;
  annotations: string;
  created_at: string;
  updated_at: string;
}

/** `pg` returns BIGINT as a string. */
type BigIntColumn = ColumnType<number | string | null, number | null, number | null>;

export interface CallsTable {
  id: string;
  status: string;
  app_id: string;
  app_name: string;
  fn_id: string;
  trigger_id: string;
  path: string | null;
  image: string | null;
  type: string | null;
  format: string | null;
  memory: number | null;
  cpus: string | null;
  timeout: number | null;
  idle_timeout: number | null;
  priority: number | null;
  config: string | null;
  headers: string | null;
  method: string | null;
  url: string | null;
  payload: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  stats: string | null;
  error: string | null;
  reason: string | null;
  execution_duration: BigIntColumn;
  attempt: number | null;
  runs: number | null;
  retry_of: string | null;
  event_at: string | null;
  run_at: string | null;
  /** 1 when dead-lettered, else NULL. */
  dead_letter: number | null;
  payload_encoding: string | null;
  /** The call's shared settings (call_settings.id); NULL when all are in the row. */
  settings_id: number | null;
}

/** Settings shared by many calls (see call-settings.ts): compact JSON, unique by its sha256. */
export interface CallSettingsTable {
  id: Generated<number>;
  hash: string;
  settings: string;
}

/** One row per (fn, Idempotency-Key): the async call the key stands for, and when it was claimed. */
export interface IdempotencyKeysTable {
  fn_id: string;
  idem_key: string;
  call_id: string;
  created_at: string;
}

/** The stored response of an async call (body base64, capped). */
export interface CallResponsesTable {
  id: string;
  status: number;
  headers: string;
  body: string;
  truncated: number;
}

export interface LogsTable {
  id: string;
  log: string;
}

/** API tokens: only a hash of the secret is kept. */
export interface TokensTable {
  id: string;
  name: string;
  scope: string;
  app_id: string | null;
  /** SHA-256 of the secret, hex. */
  hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export type { DialectKind } from '../../sql/index.js';
