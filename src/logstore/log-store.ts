import { type CallLog, type Datastore, decorate } from '../datastore/index.js';

/**
 * Where call logs live (Fn's `FN_LOGSTORE_URL`; by default the datastore's `logs` table). Logs
 * arrive already capped at FN_MAX_LOG_SIZE_BYTES with Fn's truncation marker (LogBuffer).
 */
export interface LogStore {
  /** Stores (or replaces) calls' logs, many at once. */
  insertLogs(logs: readonly CallLog[]): Promise<void>;
  /** A call's log; throws ApiError CallLogNotFound (404) when there is none. */
  getLog(callId: string): Promise<string>;
  /** Removes calls' logs (retention); ids without a log are ignored. */
  removeLogs(callIds: readonly string[]): Promise<void>;
  /** Releases what the store opened itself (not a shared datastore). */
  close(): Promise<void>;
}

/** The datastore adapter. `owned` closes the datastore with the log store. */
export function datastoreLogStore(
  ds: Pick<Datastore, 'insertLogs' | 'getLog' | 'removeLogs' | 'close'>,
  owned = false,
): LogStore {
  return {
    insertLogs: (logs) => ds.insertLogs(logs),
    getLog: (callId) => ds.getLog(callId),
    removeLogs: (callIds) => ds.removeLogs(callIds),
    close: () => (owned ? ds.close() : Promise.resolve()),
  };
}

/** A datastore whose log methods go to `logs` (so every user of the datastore sees one log store). */
export function withLogStore(ds: Datastore, logs: LogStore): Datastore {
  return decorate(ds, { insertLogs: logs.insertLogs, getLog: logs.getLog, removeLogs: logs.removeLogs });
}
