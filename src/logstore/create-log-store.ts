import { ConfigError } from '../config/index.js';
import { createDatastore, type Datastore } from '../datastore/index.js';
import { datastoreLogStore, type LogStore } from './log-store.js';

const SQL_SCHEMES = /^(sqlite3?|postgres(ql)?|pgx|mysql):/i;

/**
 * Opens the log store named by FN_LOGSTORE_URL: the datastore itself when the URL is the
 * datastore's (the default), another SQL database by its URL; Fn's `s3://` is not supported yet.
 */
export async function createLogStore(url: string, dbUrl: string, datastore: Datastore): Promise<LogStore> {
  if (url === '' || url === dbUrl) return datastoreLogStore(datastore);
  if (SQL_SCHEMES.test(url)) return datastoreLogStore(await createDatastore(url), true);
  const scheme = url.split(':')[0] ?? url;
  throw new ConfigError(
    `FN_LOGSTORE_URL scheme "${scheme}" is not supported: use the datastore (unset it) or a sqlite3, postgres or mysql URL`,
  );
}
