import { type ErrorName, Errors } from '../../models/index.js';
import { UniqueKeys, type UniqueKeyName } from './constraints.js';

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  constraint?: unknown;
}

function asDriverError(err: unknown): DriverError {
  return typeof err === 'object' && err !== null ? (err as DriverError) : {};
}

function code(err: unknown): string {
  const c = asDriverError(err).code;
  return typeof c === 'string' ? c : '';
}

function message(err: unknown): string {
  const m = asDriverError(err).message;
  return typeof m === 'string' ? m : '';
}

/** A unique or primary key violation: SQLite, PostgreSQL `23505`, MySQL `ER_DUP_ENTRY` (1062). */
export function isUniqueViolation(err: unknown): boolean {
  const c = code(err);
  return (
    c === 'SQLITE_CONSTRAINT_UNIQUE' ||
    c === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    c === '23505' ||
    c === 'ER_DUP_ENTRY'
  );
}

/** A foreign key violation: a referenced row is gone (SQLite, PostgreSQL `23503`, MySQL 1452). */
export function isForeignKeyViolation(err: unknown): boolean {
  const c = code(err);
  return c === 'SQLITE_CONSTRAINT_FOREIGNKEY' || c === '23503' || c === 'ER_NO_REFERENCED_ROW_2';
}

/** Deadlocks and lost snapshots: the transaction may simply be run again. */
export function isRetryable(err: unknown): boolean {
  const c = code(err);
  return (
    c === '40P01' ||
    c === '40001' ||
    c === 'ER_LOCK_DEADLOCK' ||
    c === 'SQLITE_BUSY' ||
    c === 'SQLITE_BUSY_SNAPSHOT'
  );
}

/**
 * The database cannot be reached or is going away (refused, reset, shutting down, too many
 * connections): the same statement may well work in a moment.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, connection_exception class.
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  // MySQL/MariaDB.
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection is closed|Can't add new command when connection is in closed state|the database system is (starting up|shutting down)/i;

export function isUnavailable(err: unknown): boolean {
  if (UNAVAILABLE_CODES.has(code(err)) || UNAVAILABLE_MESSAGES.test(message(err))) return true;
  // Node's AggregateError: every address of the host refused (::1 and 127.0.0.1).
  const inner = (err as { errors?: unknown } | null)?.errors;
  return Array.isArray(inner) && inner.length > 0 && inner.every((e) => isUnavailable(e));
}

/**
 * A value over what the database holds: MySQL/MariaDB's 64 KiB TEXT and 16 MiB MEDIUMTEXT
 * columns (`ER_DATA_TOO_LONG`) or its packet size (`ER_NET_PACKET_TOO_LARGE`), PostgreSQL's
 * `22001` and `54000`. The request's content is too large for this datastore, not fnode's fault.
 */
export function isValueTooLarge(err: unknown): boolean {
  const c = code(err);
  return c === 'ER_DATA_TOO_LONG' || c === 'ER_NET_PACKET_TOO_LARGE' || c === '22001' || c === '54000';
}

/** Which of the named unique keys a violation hit, if it is one of them. */
export function violatedKey(err: unknown): UniqueKeyName | undefined {
  if (!isUniqueViolation(err)) return undefined;
  const names = Object.keys(UniqueKeys) as UniqueKeyName[];
  const constraint = asDriverError(err).constraint;
  if (typeof constraint === 'string') return names.find((n) => n === constraint);
  const msg = message(err);
  // MariaDB: "for key 'name'"; MySQL 8: "for key 'table.name'".
  const mysqlKey = /for key '(?:[^'.]+\.)?([^']+)'/.exec(msg)?.[1];
  if (mysqlKey !== undefined) return names.find((n) => n === mysqlKey);
  // SQLite: "UNIQUE constraint failed: triggers.app_id, triggers.type, triggers.source_hash".
  const sqliteCols = /constraint failed: (.+)$/.exec(msg)?.[1];
  if (sqliteCols === undefined) return undefined;
  return names.find((n) => {
    const k = UniqueKeys[n];
    return k.columns.map((c) => `${k.table}.${c}`).join(', ') === sqliteCols;
  });
}

/**
 * Turns a violation of one of `conflicts`' keys into its 409 ApiError; any other error is
 * returned unchanged, to be rethrown.
 */
export function translateConflict(
  err: unknown,
  conflicts: Partial<Record<UniqueKeyName, ErrorName>>,
): unknown {
  const key = violatedKey(err);
  const name = key === undefined ? undefined : conflicts[key];
  return name === undefined ? err : Errors[name].copy();
}
