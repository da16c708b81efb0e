import { parseDbUrl } from '../sql/index.js';
import type { BusOptions, InvalidationBus } from './invalidation-bus.js';

export type { BusOptions, InvalidationBus } from './invalidation-bus.js';

const CHANNEL = 'fnode_lookup_invalidate';

/**
 * The bus of a cluster's shared services: Redis pub/sub when the queue is on Redis, else
 * PostgreSQL LISTEN/NOTIFY or a polled table on MySQL, by the datastore. None for SQLite (one
 * node). Each bus and its client library is imported only when chosen.
 */
export async function createInvalidationBus(
  where: { mqUrl: string; dbUrl: string; redisPrefix?: string | undefined },
  opts: BusOptions,
): Promise<InvalidationBus | undefined> {
  const mq = where.mqUrl.trim();
  if (/^rediss?:\/\//i.test(mq)) {
    const { RedisInvalidationBus } = await import('./redis-bus.js');
    return RedisInvalidationBus.connect(mq, `${where.redisPrefix ?? 'fnode:'}${CHANNEL}`, opts);
  }
  const target = parseDbUrl(where.dbUrl);
  if (target.kind === 'postgres') {
    const { PgInvalidationBus } = await import('./pg-bus.js');
    return PgInvalidationBus.connect(target.connectionString, CHANNEL, opts);
  }
  if (target.kind === 'mysql') {
    const { MysqlInvalidationBus } = await import('./mysql-bus.js');
    return MysqlInvalidationBus.connect(target, opts);
  }
  return undefined;
}
export { Resync, type ResyncOptions } from './resync.js';
