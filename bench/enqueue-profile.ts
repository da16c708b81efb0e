// Async enqueue as a user runs it: `fnode start` (the bundle) in its own process with the Redis
// queue (or SQLite with ENQ_QUEUE=sqlite), `POST /invoke/{fn_id}` with `Fn-Invoke-Type: async`
// at c=8 from a worker thread of this one. Prints the rate and the server's CPU per enqueue
// (all its threads, from /proc); ENQ_PROFILE=<dir> runs it under --cpu-prof into that folder
// (summarize with bench/profile-summary.ts). Needs `npm run build`.
//   node --import tsx bench/enqueue-profile.ts
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from './invoke/server.js';
import { loadInWorker, printTable, summarize } from './stats.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 4000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const REDIS_URL = process.env['FNODE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PROFILE = process.env['ENQ_PROFILE'];
const QUEUE = process.env['ENQ_QUEUE'] ?? 'redis';
const MAIN = fileURLToPath(new URL('../dist/bin/fnode.js', import.meta.url));

/** CPU time of a process (all threads), in ms, from /proc/<pid>/stat. */
const cpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/stat`);
/** CPU time of its main thread (the event loop), in ms. */
const mainCpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/task/${pid}/stat`);
const statCpuMs = (file: string): number => {
  const f = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

const prefix = `fnode-bench-enq:${randomUUID()}:`;
const env: Record<string, string> =
  QUEUE === 'redis' ? { FN_MQ_URL: REDIS_URL, FNODE_MQ_REDIS_PREFIX: prefix } : {};
// The server starts on the defaults; ENQ_ENV='K=V K2=V2' sets more, for an A/B run.
for (const kv of (process.env['ENQ_ENV'] ?? '').split(/\s+/).filter(Boolean)) {
  const [k, ...v] = kv.split('=');
  env[k!] = v.join('=');
}
const command = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`, MAIN, 'start'] : [MAIN, 'start'];
const server = await startServer(`fnode-bench-enq-${randomUUID().slice(0, 8)}`, env, command);
const rows: (string | number)[][] = [];
try {
  const post = async (path: string, body: unknown) => {
    const res = await server.api.request({
      path,
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as { id: string };
  };
  const app = await post('/v2/apps', { name: `enq-${randomUUID().slice(0, 8)}` });
  const fn = await post('/v2/fns', { app_id: app.id, name: 'hello', image: 'fnode-test/hello' });
  for (let round = 0; round < ROUNDS; round++) {
    const before = cpuMs(server.pid);
    const mainBefore = mainCpuMs(server.pid);
    const sample = await loadInWorker('enqueue', {
      origin: server.url,
      path: `/invoke/${fn.id}`,
      // Delayed an hour: the runner stays out of the measurement.
      headers: { 'content-type': 'application/json', 'fn-invoke-type': 'async', 'fn-async-delay': '3600' },
      body: '{}',
      concurrency: 8,
      durationMs: DURATION_MS,
      status: 202,
    });
    const s = summarize(sample);
    rows.push([
      `${QUEUE}, round ${round + 1}`,
      s.rate,
      s.p50,
      s.p99,
      ((cpuMs(server.pid) - before) * 1000) / sample.count,
      ((mainCpuMs(server.pid) - mainBefore) * 1000) / sample.count,
    ]);
  }
} finally {
  await server.stop();
  if (QUEUE === 'redis') {
    const { Redis } = await import('ioredis');
    const c = new Redis(REDIS_URL);
    const keys = await c.keys(`${prefix}*`);
    if (keys.length > 0) await c.del(...keys);
    c.disconnect();
  }
}
printTable(['queue', 'enqueue/s', 'p50 ms', 'p99 ms', 'server CPU µs/call', 'its event loop µs/call'], rows);
