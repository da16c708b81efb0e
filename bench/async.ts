// Async calls per queue adapter, in one run: the enqueue rate (POST /invoke with
// Fn-Invoke-Type: async through HTTP, c=8, from a worker thread) with the server's main-thread
// CPU time per call, and the queued-to-started latency (started_at - created_at of calls on an
// idle, warm fn). Prints a table.
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
import { measureDbBytes } from './db-bytes.js';
import { loadInWorker, mainThreadCpuNs, percentile, printTable, summarize } from './stats.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 3000);
const LATENCY_CALLS = Number(process.env['BENCH_LATENCY_CALLS'] ?? 100);
const PG_ADMIN_URL = process.env['FNODE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A comma-separated subset of sqlite,postgres,redis (default all). */
const ONLY = (process.env['BENCH_ADAPTERS'] ?? 'sqlite,postgres,redis').split(',');
const BACKLOG = Number(process.env['BENCH_BACKLOG'] ?? 20_000);
const REDIS_URL = process.env['FNODE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** BENCH_ENQUEUE_ONLY=1: only the enqueue rate (to profile it), no latency, drain or db bytes. */
const ENQUEUE_ONLY = process.env['BENCH_ENQUEUE_ONLY'] === '1';

interface Setup {
  name: string;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

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
      cleanup: async () => {},
    });
  }
  if (ONLY.includes('postgres')) {
    try {
      const db = await freshPg();
      out.push({ name: 'postgres (datastore + queue)', env: { FN_DB_URL: db.url }, cleanup: db.drop });
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
    out.push({
      name: 'redis queue (sqlite datastore)',
      env: {
        FN_DB_URL: `sqlite3://${join(dir, 'fn-redis.db')}`,
        FN_MQ_URL: REDIS_URL,
        FNODE_MQ_REDIS_PREFIX: prefix,
      },
      cleanup: async () => {
        const c = new Redis(REDIS_URL);
        const keys = await c.keys(`${prefix}*`);
        if (keys.length > 0) await c.del(...keys);
        c.disconnect();
      },
    });
  } catch (err) {
    console.error(`redis skipped: ${(err as Error).message}`);
  }
  return out;
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

    // Enqueue: calls delayed by an hour, so that the runner stays out of the measurement. The
    // client runs on a worker thread so that it does not share fnode's event loop.
    const cpuBefore = mainThreadCpuNs();
    const enqueueSample = await loadInWorker('enqueue', {
      origin: fnode.url,
      path: `/invoke/${fn.id}`,
      headers: { 'content-type': 'application/json', 'fn-invoke-type': 'async', 'fn-async-delay': '3600' },
      body: '{}',
      concurrency: 8,
      durationMs: DURATION_MS,
      status: 202,
    });
    const enqueueCpuUs = (mainThreadCpuNs() - cpuBefore) / 1000 / enqueueSample.count;
    const enqueue = summarize(enqueueSample);
    if (ENQUEUE_ONLY) return [enqueue.rate, enqueue.p50, enqueue.p99, enqueueCpuUs];

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
      enqueue.rate,
      enqueue.p50,
      enqueue.p99,
      enqueueCpuUs,
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
      rows.push([setup.name, ...(await measure(fnode))]);
    } finally {
      await fnode.close();
      await setup.cleanup();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nasync calls: enqueue at c=8 for ${DURATION_MS} ms; queued-to-started over ${LATENCY_CALLS} calls;\n` +
    `drain of a ${BACKLOG}-call backlog of a fast fn against its sync calls at c=8 (target ratio >= 0.5)`,
);
printTable(
  [
    'adapter',
    'enqueue/s',
    'enqueue p50 ms',
    'enqueue p99 ms',
    'enqueue CPU µs/call',
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
