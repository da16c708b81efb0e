// Async enqueue as a user runs it (bench/async/enqueue.ts), each round printed: the Redis queue,
// or SQLite with ENQ_QUEUE=sqlite. ENQ_PROFILE=<dir> runs the server under --cpu-prof into that
// folder (summarize with bench/profile-summary.ts); ENQ_ENV='K=V K2=V2' sets more of its
// environment, for an A/B run. Needs `npm run build`.
//   node --import tsx bench/enqueue-profile.ts
import { randomUUID } from 'node:crypto';
import { measureEnqueue } from './async/enqueue.js';
import { printTable } from './stats.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 4000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const REDIS_URL = process.env['FNODE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PROFILE = process.env['ENQ_PROFILE'];
const QUEUE = process.env['ENQ_QUEUE'] ?? 'redis';

const prefix = `fnode-bench-enq:${randomUUID()}:`;
const env: Record<string, string> =
  QUEUE === 'redis' ? { FN_MQ_URL: REDIS_URL, FNODE_MQ_REDIS_PREFIX: prefix } : {};
for (const kv of (process.env['ENQ_ENV'] ?? '').split(/\s+/).filter(Boolean)) {
  const [k, ...v] = kv.split('=');
  env[k!] = v.join('=');
}
try {
  const rounds = await measureEnqueue(env, {
    durationMs: DURATION_MS,
    rounds: ROUNDS,
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {}),
  });
  printTable(
    ['queue', 'enqueue/s', 'p50 ms', 'p99 ms', 'server CPU µs/call', 'its event loop µs/call'],
    rounds.map((r, i) => [`${QUEUE}, round ${i + 1}`, r.rate, r.p50, r.p99, r.cpuUs, r.loopUs]),
  );
} finally {
  if (QUEUE === 'redis') {
    const { Redis } = await import('ioredis');
    const c = new Redis(REDIS_URL);
    const keys = await c.keys(`${prefix}*`);
    if (keys.length > 0) await c.del(...keys);
    c.disconnect();
  }
}
