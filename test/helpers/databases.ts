import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Admin connections used to create a fresh database per suite; override for other hosts. */
export const PG_ADMIN_URL = process.env['FNODE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN = { host: '127.0.0.1', port: 3306, user: 'root' };
export const CONNECT_TIMEOUT_MSECS = 3000;
/** Redis for the queue suites (a fresh key prefix each); override for another host. */
export const REDIS_URL = process.env['FNODE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

/** A database made for one suite, and how to drop it. */
export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Why `probe` fails, or undefined when it succeeds (the reason a suite is skipped or fails under CI). */
export async function reason(probe: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await probe();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message || String(err) : String(err);
  }
}

export const freshName = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

export async function withPg<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: PG_ADMIN_URL,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MSECS,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function withMysql<T>(work: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ ...MYSQL_ADMIN, connectTimeout: CONNECT_TIMEOUT_MSECS });
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
}

/**
 * Drops a test database once its closed pools' backends have gone: `pg` ends clients without
 * waiting for the server, and forcing the drop would hit them with an error event.
 */
export async function dropPgDatabase(db: string): Promise<void> {
  await withPg(async (c) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await c.query(`drop database if exists ${db}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006') throw err; // object_in_use
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await c.query(`drop database if exists ${db} with (force)`);
  });
}

/** A fresh PostgreSQL database named `<prefix>_<hex>`. */
export async function freshPgDatabase(prefix: string): Promise<FreshDatabase> {
  const db = freshName(prefix);
  await withPg((c) => c.query(`create database ${db}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db}`;
  return { url: url.toString(), drop: () => dropPgDatabase(db) };
}

/** A fresh MariaDB/MySQL database named `<prefix>_<hex>`, as an `FN_DB_URL` in Fn's DSN form. */
export async function freshMysqlDatabase(prefix: string): Promise<FreshDatabase> {
  const db = freshName(prefix);
  await withMysql((c) => c.query(`create database ${db}`));
  return {
    url: `mysql://${MYSQL_ADMIN.user}@tcp(${MYSQL_ADMIN.host}:${MYSQL_ADMIN.port})/${db}?parseTime=true`,
    drop: () => withMysql((c) => c.query(`drop database if exists ${db}`)).then(() => undefined),
  };
}

export const pgUnavailable = () => reason(() => withPg((c) => c.query('select 1')));
export const mysqlUnavailable = () => reason(() => withMysql((c) => c.query('select 1')));

/** A short-lived client that fails at once, rather than retrying, when Redis is not there. */
export async function withRedis<T>(work: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MSECS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (persistence is off on the test machine: keys are the state). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  await withRedis(async (r) => {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  });
}

export const redisUnavailable = () => reason(() => withRedis((r) => r.ping()));
