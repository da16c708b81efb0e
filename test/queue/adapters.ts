import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { createDatastore } from '../../src/datastore/index.js';
import { createMessageQueue, type MessageQueue, RedisMessageQueue } from '../../src/queue/index.js';
import {
  deleteRedisKeys,
  freshMysqlDatabase,
  freshPgDatabase,
  mysqlUnavailable,
  pgUnavailable,
  REDIS_URL,
  redisUnavailable,
} from '../helpers/databases.js';

export type AdapterName = 'sqlite' | 'postgres' | 'mariadb' | 'redis';

/** Storage for one suite: queues opened on it see the same jobs. */
interface Storage {
  open(): Promise<MessageQueue>;
  drop(): Promise<void>;
}

interface AdapterUnderTest {
  name: AdapterName;
  /** Why the server cannot be reached; undefined when it can. */
  unavailable: string | undefined;
  create(): Promise<Storage>;
}

const hex = () => randomBytes(6).toString('hex');

/** A queue whose close() also releases what was opened for it. */
function closing(mq: MessageQueue, release: () => Promise<void>): MessageQueue {
  return {
    push: (job, delayMs) => mq.push(job, delayMs),
    reserve: (visibilityMs) => mq.reserve(visibilityMs),
    extend: (r, visibilityMs) => mq.extend(r, visibilityMs),
    delete: (r) => mq.delete(r),
    remove: (id) => mq.remove(id),
    reserveMany: (max, visibilityMs) => mq.reserveMany(max, visibilityMs),
    deleteMany: (rs) => mq.deleteMany(rs),
    depth: () => mq.depth(),
    backlog: () => mq.backlog(),
    close: async () => {
      await mq.close();
      await release();
    },
  };
}

/** SQLite shares the datastore's connection, as the server runs it. */
const sqlite: AdapterUnderTest = {
  name: 'sqlite',
  unavailable: undefined,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-mq-'));
    const url = `sqlite3://${join(dir, 'fn.db')}`;
    return {
      async open() {
        const ds = await createDatastore(url);
        return closing(await createMessageQueue(url, { datastore: ds }), () => ds.close());
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** PostgreSQL and MariaDB: the queue on its own pool, opened from its url. */
const postgres: AdapterUnderTest = {
  name: 'postgres',
  unavailable: await pgUnavailable(),
  async create() {
    const db = await freshPgDatabase('fnode_q');
    return { open: () => createMessageQueue(db.url), drop: db.drop };
  },
};

const mariadb: AdapterUnderTest = {
  name: 'mariadb',
  unavailable: await mysqlUnavailable(),
  async create() {
    const db = await freshMysqlDatabase('fnode_q');
    return { open: () => createMessageQueue(db.url), drop: db.drop };
  },
};

/** Redis: a random key prefix per suite; "reopening" is a new client on the same keys. */
const redis: AdapterUnderTest = {
  name: 'redis',
  unavailable: await redisUnavailable(),
  async create() {
    const prefix = `fnode:mq:test:${hex()}:`;
    return {
      open: () => RedisMessageQueue.connect(REDIS_URL, { prefix }),
      drop: () => deleteRedisKeys(prefix),
    };
  },
};

export const ADAPTERS: readonly AdapterUnderTest[] = [sqlite, postgres, mariadb, redis];

export interface QueueContext {
  /** The suite's queue (a new one after `reopen`). */
  readonly mq: MessageQueue;
  readonly adapter: AdapterName;
  /** Closes the queue and opens another on the same storage. */
  reopen(): Promise<MessageQueue>;
  /** A second queue on the same storage (another process, as it were), closed after the test. */
  another(): Promise<MessageQueue>;
  /** Pushes through `mq`, remembering the id so that the test's jobs are removed after it. */
  push(id: string, priority?: number, delayMs?: number): Promise<void>;
  /** A unique job id. */
  id(label?: string): string;
}

/**
 * Runs `body` once per adapter, each on its own fresh storage. Each test's jobs (pushed with
 * `ctx.push`) are removed after it. An unreachable server skips its adapter with the reason
 * shown, except under `CI=true`, where the suite fails.
 */
export function describeEachQueue(title: string, body: (ctx: QueueContext) => void): void {
  const ci = process.env['CI'] === 'true';
  for (const a of ADAPTERS) {
    if (a.unavailable !== undefined) {
      const why = `${a.name} unreachable: ${a.unavailable}`;
      describe(`${title} [${a.name}]`, () => {
        it(`needs ${a.name}`, { skip: ci ? false : why }, () => {
          assert.fail(`${why} (CI=true requires every queue backend)`);
        });
      });
      continue;
    }
    describe(`${title} [${a.name}]`, () => {
      let storage: Storage | undefined;
      let queue: MessageQueue | undefined;
      let pushed: string[] = [];
      let others: MessageQueue[] = [];
      const ctx: QueueContext = {
        get mq() {
          assert.ok(queue, 'queue not open');
          return queue;
        },
        adapter: a.name,
        async reopen() {
          assert.ok(storage && queue, 'queue not open');
          await queue.close();
          queue = undefined;
          queue = await storage.open();
          return queue;
        },
        async another() {
          assert.ok(storage, 'storage not open');
          const mq = await storage.open();
          others.push(mq);
          return mq;
        },
        async push(id, priority = 1, delayMs = 0) {
          pushed.push(id);
          await ctx.mq.push({ id, priority }, delayMs);
        },
        id: (label = 'job') => `${label}-${hex()}`,
      };
      before(async () => {
        storage = await a.create();
        queue = await storage.open();
      });
      afterEach(async () => {
        for (const id of pushed) await queue?.remove(id);
        pushed = [];
        for (const mq of others) await mq.close();
        others = [];
      });
      body(ctx);
      after(async () => {
        await queue?.close();
        await storage?.drop();
      });
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every few ms until it returns something other than undefined. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}
