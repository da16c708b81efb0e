import { parseDbUrl } from '../sql/index.js';
import { type SqlHandle, SqlDatastore, sqlHandleOf } from './sql/sql-datastore.js';
import type { Datastore } from './datastore.js';

export type {
  AppFilter,
  CallChange,
  CallFilter,
  CallLog,
  CallResponse,
  Datastore,
  DeadLetterFilter,
  IdempotencyClaim,
  FnFilter,
  NewApp,
  NewFn,
  NewRoute,
  NewToken,
  NewTrigger,
  OldCallsFilter,
  Page,
  PageRequest,
  PendingCounts,
  RouteFilter,
  RoutePatch,
  TriggerFilter,
} from './datastore.js';
export { type SqlHandle, sqlHandleOf };
/** Whether a datastore error means the database is away for now (answer 503, retry later). */
export {
  isUnavailable as isDatastoreUnavailable,
  isValueTooLarge as isDatastoreValueTooLarge,
} from './sql/sql-errors.js';

/**
 * Opens the datastore named by an `FN_DB_URL` (`sqlite3:///abs/fn.db`, `postgres://…`, `pgx://…`,
 * `mysql://user:pass@tcp(host:port)/db`, `mysql://user:pass@host:port/db`) and runs its
 * migrations. Rejects with an Error for a bad url or an unreachable database.
 */
export async function createDatastore(url: string): Promise<Datastore> {
  return SqlDatastore.open(parseDbUrl(url));
}
export { DatastoreMethodKinds, decorate, type MethodName } from './decorate.js';
