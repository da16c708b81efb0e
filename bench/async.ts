// Async calls per queue adapter, in one run: the enqueue rate with fnode as a user runs it
// (bench/async/enqueue.ts: the bundle in its own process, POST /invoke with Fn-Invoke-Type: async
// at c=8 from a worker thread) with the server's CPU per call; then, on a server in this
// process, the queued-to-started latency (started_at - created_at of calls on an idle, warm fn)
// and how fast a backlog drains against sync calls. Prints a table. Needs `npm run build`.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { Pool } from 'undici';
import { type Fnode, startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { isFinalStatus } from '../src/models/index.js';
import { measureDrain } from './async/drain.js';
import { bestAfterWarmUp, measureEnqueue } from './async/enqueue.js';
import { measureDbBytes } from './db-bytes.js';
import { percentile, printTable } from './stats.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 3000);
const LATENCY_CALLS = Number(process.env['BENCH_LATENCY_CALLS'] ?? 100);
const PG_ADMIN_URL = process.env['FNODE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A comma-separated subset of sqlite,postgres,redis (default all). */
const ONLY = (process.env['BENCH_ADAPTERS'] ?? 'sqlite,postgres,redis').split(',');
const BACKLOG = Number(process.env['BENCH_BACKLOG'] ?? 20_000);
const REDIS_URL = process.env['FNODE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** BENCH_ENQUEUE_ONLY=1: only the enqueue rate (to profile it), no latency, drain or db bytes. */
const ENQUEUE_ONLY = process.env['BENCH_ENQUEUE_ONLY'] === '1';
/** Enqueue rounds per adapter, the first a warm-up (BENCH_ENQUEUE_ROUNDS, default 3). */
const ENQUEUE_ROUNDS = Number(process.env['BENCH_ENQUEUE_ROUNDS'] ?? 3);

interface Setup {
  name: string;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
  /** A fresh database (or queue) of the same kind for the server measured in its own process. */
  spawned: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;
}

const none = async () => {};

async function pgAdmin(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

async function freshPg(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fnode_bench_${randomBytes(6).toString('hex')}`;
  await pgAdmin(`create database ${name}`);
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: () => pgAdmin(`drop database if exists ${name} with (force)`),
  };
}

async function setups(dir: string): Promise<Setup[]> {
  const out: Setup[] = [];
  if (ONLY.includes('sqlite')) {
    out.push({
      name: 'sqlite (datastore + queue)',
      env: { FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}` },
      cleanup: none,
      // The spawned server's own fresh SQLite file, its default.
      spawned: async () => ({ env: {}, cleanup: none }),
    });
  }
  if (ONLY.includes('postgres')) {
    try {
      const db = await freshPg();
      out.push({
        name: 'postgres (datastore + queue)',
        env: { FN_DB_URL: db.url },
        cleanup: db.drop,
        spawned: async () => {
          const own = await freshPg();
          return { env: { FN_DB_URL: own.url }, cleanup: own.drop };
        },
      });
    } catch (err) {
      console.error(`postgres skipped: ${(err as Error).message}`);
    }
  }
  if (!ONLY.includes('redis')) return out;
  try {
    const r = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0 });
    await r.connect();
    r.disconnect();
    const prefix = `fnode-bench:${randomUUID()}:`;
    const spawnedPrefix = `fnode-bench:${randomUUID()}:`;
    out.push({
      name: 'redis queue (sqlite datastore)',
      env: {
        FN_DB_URL: `sqlite3://${join(dir, 'fn-redis.db')}`,
        FN_MQ_URL: REDIS_URL,
        FNODE_MQ_REDIS_PREFIX: prefix,
      },
      cleanup: () => dropRedisKeys(prefix),
      spawned: async () => ({
        env: { FN_MQ_URL: REDIS_URL, FNODE_MQ_REDIS_PREFIX: spawnedPrefix },
        cleanup: () => dropRedisKeys(spawnedPrefix),
      }),
    });
  } catch (err) {
    console.error(`redis skipped: ${(err as Error).message}`);
  }
  return out;
}

async function dropRedisKeys(prefix: string): Promise<void> {
  const c = new Redis(REDIS_URL);
  const keys = await c.keys(`${prefix}*`);
  if (keys.length > 0) await c.del(...keys);
  c.disconnect();
}

/** The enqueue figures of a server in its own process: rate, p50, p99, CPU per call. */
async function measureSpawnedEnqueue(setup: Setup): Promise<(string | number)[]> {
  const own = await setup.spawned();
  try {
    const best = bestAfterWarmUp(
      await measureEnqueue(own.env, { durationMs: DURATION_MS, rounds: ENQUEUE_ROUNDS }),
    );
    return [best.rate, best.p50, best.p99, best.cpuUs, best.loopUs];
  } finally {
    await own.cleanup();
  }
}

async function measure(fnode: Fnode): Promise<(string | number)[]> {
  const api = new Pool(fnode.url, { connections: 16 });
  const json = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await api.request({
      path,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as T;
  };
  const asyncCall = async (fnId: string, headers: Record<string, string> = {}): Promise<string> => {
    const res = await api.request({
      path: `/invoke/${fnId}`,
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'fn-invoke-type': 'async', ...headers },
    });
    const text = await res.body.text();
    if (res.statusCode !== 202) throw new Error(`async invoke: ${res.statusCode} ${text}`);
    return (JSON.parse(text) as { call_id: string }).call_id;
  };
  try {
    const app = await json<{ id: string }>('/v2/apps', { name: `bench-${randomUUID().slice(0, 8)}` });
    const fn = await json<{ id: string }>('/v2/fns', {
      app_id: app.id,
      name: 'hello',
      image: 'fnode-test/hello',
    });

    // Latency: one call at a time on a warm, idle fn.
    const warm = await api.request({ path: `/invoke/${fn.id}`, method: 'POST', body: '{}' });
    await warm.body.text();
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_CALLS; i++) {
      const id = await asyncCall(fn.id);
      for (;;) {
        const c = await fnode.datastore.getCallById(id);
        if (isFinalStatus(c.status)) {
          if (c.status !== 'success') throw new Error(`call ${id}: ${c.status} ${c.error ?? ''}`);
          latencies.push(Date.parse(c.started_at ?? '') - Date.parse(c.created_at));
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    latencies.sort((a, b) => a - b);

    const fast = await json<{ id: string }>('/v2/fns', {
      app_id: app.id,
      name: 'drain',
      image: 'fnode-test/hello',
    });
    const warmed = await api.request({ path: `/invoke/${fast.id}`, method: 'POST', body: '{}' });
    await warmed.body.text();
    const drain = await measureDrain(fnode, fast.id, { backlog: BACKLOG, syncMs: DURATION_MS });
    if (drain.failed > 0) throw new Error(`${drain.failed} async calls of the backlog failed`);
    const ratio = drain.drainRate / drain.syncRate;
    return [
      percentile(latencies, 50),
      percentile(latencies, 99),
      drain.syncRate,
      drain.drainRate,
      `${ratio.toFixed(2)} ${ratio >= 0.5 ? 'PASS' : 'FAIL'}`,
      drain.maxInflight,
    ];
  } finally {
    await api.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-async-'));
const rows: (string | number)[][] = [];
try {
  for (const setup of await setups(dir)) {
    const enqueue = await measureSpawnedEnqueue(setup);
    if (ENQUEUE_ONLY) {
      rows.push([setup.name, ...enqueue]);
      await setup.cleanup();
      continue;
    }
    const config = loadConfig(
      {
        FN_PORT: '0',
        FNODE_AUTH: 'off',
        FN_DOCKER_NETWORKS: 'none',
        FN_CONTAINER_LABEL_TAG: `fnode-bench-${randomUUID().slice(0, 8)}`,
        ...setup.env,
      },
      dir,
    );
    const fnode = await startFnode({ config, logger: pino({ level: 'warn' }), host: '127.0.0.1' });
    try {
      rows.push([setup.name, ...enqueue, ...(await measure(fnode))]);
    } finally {
      await fnode.close();
      await setup.cleanup();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nasync calls: enqueue at c=8 against fnode in its own process (best of ${ENQUEUE_ROUNDS - 1} rounds of ` +
    `${DURATION_MS} ms after a warm-up; target for Redis >= 10,000/s);\nqueued-to-started over ${LATENCY_CALLS} calls; ` +
    `drain of a ${BACKLOG}-call backlog of a fast fn against its sync calls at c=8 (target ratio >= 0.5)`,
);
printTable(
  [
    'adapter',
    'enqueue/s',
    'enqueue p50 ms',
    'enqueue p99 ms',
    'server CPU µs/enqueue',
    'its event loop µs',
    'queued->started p50 ms',
    'p99 ms',
    'sync c=8 /s',
    'drain /s',
    'drain/sync',
    'async in flight (max)',
  ],
  rows,
);

// Issue 18: what a sync call costs in the SQLite database, and removing it (bench/db-bytes.ts).
if (!ENQUEUE_ONLY) await measureDbBytes();
