import { type Datastore, sqlHandleOf } from '../datastore/index.js';
import { parseDbUrl } from '../sql/index.js';
import type { MessageQueue } from './message-queue.js';
import { RedisMessageQueue } from './redis/redis-message-queue.js';
import { SqlMessageQueue } from './sql/sql-message-queue.js';

export type { MessageQueue, QueueBacklog, QueueJob, Reservation } from './message-queue.js';
export { ReservationLostError } from './reservation-lost-error.js';
export {
  DEFAULT_REDIS_PREFIX,
  RedisMessageQueue,
  type RedisMessageQueueOptions,
} from './redis/redis-message-queue.js';
export { SqlMessageQueue, type SqlMessageQueueOptions } from './sql/sql-message-queue.js';

export interface CreateMessageQueueOptions {
  /**
   * The datastore of this process. When the queue url is empty or names the same database, the
   * queue keeps its table there on the datastore's own connection (one SQLite connection per
   * process); closing the queue then leaves the datastore open.
   */
  datastore?: Datastore;
  /** Key prefix on Redis. Default `fnode:mq:`. */
  redisPrefix?: string;
}

/**
 * Opens the queue named by an `FN_MQ_URL`: `redis://host:port/db` (or `rediss://`) for Redis;
 * otherwise a database url of the `FN_DB_URL` forms (`sqlite3:///abs/fn.db`, `postgres://…`,
 * `mysql://…`), whose `mq_jobs` table is created if missing. An empty url means the datastore's
 * database. Rejects with an Error for a bad url or an unreachable server.
 */
export async function createMessageQueue(
  url: string,
  opts: CreateMessageQueueOptions = {},
): Promise<MessageQueue> {
  const trimmed = url.trim();
  if (/^rediss?:\/\//i.test(trimmed)) {
    return RedisMessageQueue.connect(trimmed, { prefix: opts.redisPrefix });
  }
  const handle = opts.datastore && sqlHandleOf(opts.datastore);
  if (trimmed === '') {
    if (!handle) throw new Error('an empty queue url needs a SQL datastore to share');
    return SqlMessageQueue.on(handle.db, handle.kind);
  }
  const target = parseDbUrl(trimmed);
  if (handle && JSON.stringify(handle.target) === JSON.stringify(target)) {
    return SqlMessageQueue.on(handle.db, handle.kind);
  }
  return SqlMessageQueue.open(target);
}
