// The cost of observability on the hot invoke path: two fnodes in this process, one with
// metrics and per-call stats on (the defaults), one with both off (FNODE_METRICS=false,
// FNODE_CALL_STATS=false), measured in alternating rounds at concurrency 1 and 8 with the
// worker-thread load generator. Prints a table and the cost in % (target: under 10 %).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { type Fnode, startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { loadInWorker, printTable, type Sample, summarize } from './stats.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 3000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const BODY = '{"name":"bench"}';

interface Instance {
  name: string;
  fnode: Fnode;
  dir: string;
  path: string;
}

async function start(name: string, env: Record<string, string>): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-obs-'));
  const config = loadConfig(
    {
      FN_PORT: '0',
      FNODE_AUTH: 'off',
      FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}`,
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: `fnode-bench-${randomUUID().slice(0, 8)}`,
      ...env,
    },
    dir,
  );
  const fnode = await startFnode({ config, logger: pino({ level: 'warn' }), host: '127.0.0.1' });
  const post = async (path: string, body: unknown) => {
    const res = await request(`${fnode.url}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as { id: string };
  };
  const app = await post('/v2/apps', { name: 'bench' });
  const fn = await post('/v2/fns', { app_id: app.id, name: 'hello', image: 'fnode-test/hello' });
  const path = `/invoke/${fn.id}`;
  await post(path, {}); // warm: the container starts
  return { name, fnode, dir, path };
}

// BENCH_ON_ENV (e.g. `FNODE_CALL_STATS=false`) narrows what the "on" instance measures.
const onEnv = Object.fromEntries(
  (process.env['BENCH_ON_ENV'] ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const on = await start('metrics+stats on', onEnv);
const off = await start('metrics+stats off', { FNODE_METRICS: 'false', FNODE_CALL_STATS: 'false' });

const run = (inst: Instance, concurrency: number): Promise<Sample> =>
  loadInWorker(inst.name, {
    origin: inst.fnode.url,
    path: inst.path,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    concurrency,
    durationMs: DURATION_MS,
  });

const rows: (string | number)[][] = [];
const costs: string[] = [];
try {
  for (const concurrency of (process.env['BENCH_CONNS'] ?? '1,8').split(',').map(Number)) {
    // Warm both at this concurrency (containers for 8 connections), then alternate rounds.
    await run(off, concurrency);
    await run(on, concurrency);
    const totals = new Map<Instance, { count: number; seconds: number; latencies: number[] }>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const inst of r % 2 === 0 ? [off, on] : [on, off]) {
        const s = await run(inst, concurrency);
        const t = totals.get(inst) ?? { count: 0, seconds: 0, latencies: [] };
        t.count += s.count;
        t.seconds += s.seconds;
        t.latencies.push(...s.latenciesMs);
        totals.set(inst, t);
      }
    }
    const rate = new Map<Instance, number>();
    for (const inst of [off, on]) {
      const t = totals.get(inst);
      if (!t) continue;
      const s = summarize({ name: inst.name, count: t.count, seconds: t.seconds, latenciesMs: t.latencies });
      rate.set(inst, s.rate);
      rows.push([inst.name, concurrency, s.rate, s.p50, s.p99]);
    }
    const cost = (1 - (rate.get(on) ?? 0) / (rate.get(off) ?? 1)) * 100;
    costs.push(`concurrency ${concurrency}: ${cost.toFixed(1)} %`);
  }
  printTable(['fnode', 'conns', 'req/s', 'p50 ms', 'p99 ms'], rows);
  console.log(`\ncost of metrics + per-call stats (rate lost vs off; target < 10 %): ${costs.join(', ')}`);
} finally {
  for (const inst of [on, off]) {
    await inst.fnode.close();
    rmSync(inst.dir, { recursive: true, force: true });
  }
}
