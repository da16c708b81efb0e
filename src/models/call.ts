import { OUT_OF_MEMORY } from './errors.js';

/** Call states of seed 003: delayed -> queued -> running -> success | error | cancelled. */
export const CallStatuses = ['delayed', 'queued', 'running', 'success', 'error', 'cancelled'] as const;
export type CallStatus = (typeof CallStatuses)[number];

export const FinalCallStatuses: readonly CallStatus[] = ['success', 'error', 'cancelled'];

/** Machine reasons of seed 003: for `error` timeout | killed | bad_exit; for `cancelled` client_request. */
export type CallReason = 'timeout' | 'killed' | 'bad_exit' | 'client_request';

export interface StatsPoint {
  timestamp: string;
  metrics: Record<string, number>;
}

/**
 * A call record: what ran, with the fn's settings as they were when it ran (seed 003, 001, 002).
 * Fields Fn never persisted are persisted here so that a call can be explained after the fact.
 */
export interface Call {
  id: string;
  status: CallStatus;
  app_id: string;
  app_name: string;
  fn_id: string;
  trigger_id: string;
  path?: string;
  image?: string;
  type?: string;
  format?: string;
  memory?: number;
  cpus?: string;
  timeout?: number;
  idle_timeout?: number;
  priority?: number;
  config?: Record<string, string>;
  headers?: Record<string, string[]>;
  method?: string;
  url?: string;
  payload?: string;
  /** `base64` when the payload is not UTF-8 text; absent for text. */
  payload_encoding?: 'base64';
  created_at: string;
  started_at?: string;
  completed_at?: string;
  stats?: StatsPoint[];
  error?: string;
  reason?: CallReason;
  execution_duration?: number;
  /** Async: 1-based attempt of this call in its retry chain (a retry is a new call, seed 003). */
  attempt?: number;
  /** Async: how many times this record moved to `running` (more than 1 after a server died mid-call). */
  runs?: number;
  /** Async: the call this one retries or redrives. */
  retry_of?: string;
  /** Async: when the event first arrived (the first call of the chain); max event age counts from here. */
  event_at?: string;
  /** Async: when a delayed call becomes runnable. */
  run_at?: string;
  /** Async: the last attempt failed (or the event expired); listed under the fn's dead letters. */
  dead_letter?: boolean;
}

export function isFinalStatus(s: CallStatus): boolean {
  return FinalCallStatuses.includes(s);
}

/**
 * The error a call's record keeps: the message its client got, and, for a container the kernel
 * killed for its memory (`killed`), why. The client's answer stays Fn's
 * `error receiving function response`; the record says what happened.
 */
export function callError(message: string, reason: CallReason | undefined): string {
  return reason === 'killed' ? `${message}: ${OUT_OF_MEMORY}` : message;
}

/**
 * Request headers a call's record never keeps: credentials, as a client sends them to `/invoke`
 * and as a trigger or a v1 route passes them on (`Fn-Http-H-<Name>`). Lower case.
 */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'fn-http-h-authorization',
  'fn-http-h-proxy-authorization',
  'fn-http-h-cookie',
]);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** The headers without the secret ones; the same object when it holds none. */
export function withoutSecretHeaders<V>(headers: Record<string, V>): Record<string, V> {
  if (!Object.keys(headers).some(isSecretHeader)) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !isSecretHeader(k)));
}

/**
 * A call as the API shows it: no `config` (the app's and fn's configuration, often secrets; Fn
 * never stored it with a call) and no credential headers, even in a record stored before fnode
 * stopped keeping them.
 */
export function publicCall(call: Call): Call {
  const headers = call.headers === undefined ? undefined : withoutSecretHeaders(call.headers);
  if (call.config === undefined && headers === call.headers) return call;
  const { config: _config, headers: _headers, ...rest } = call;
  return headers === undefined || Object.keys(headers).length === 0 ? rest : { ...rest, headers };
}
