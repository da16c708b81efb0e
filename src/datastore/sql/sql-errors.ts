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
