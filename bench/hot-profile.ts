// Event-loop time per hot call: fnode's `POST /invoke/{fn_id}` against a bare Node proxy in front
// of the same container socket (bare-proxy.ts), both in this process, driven from a worker thread.
// Busy µs per call = the main thread's event-loop utilization over the calls × wall time / calls:
// what each call costs the one thread that serves all of them, whatever the latency.
//
//   node --import tsx bench/hot-profile.ts
//   HOT_CALLS=3000 HOT_ROUNDS=3 HOT_PROFILE=/tmp/hot.cpuprofile node --import tsx bench/hot-profile.ts
//
// Rows alternate between the two servers and repeat (HOT_ROUNDS): on a shared machine compare
// the ratio within one run, not numbers across runs. HOT_PROFILE writes a CPU profile of fnode's
// main thread over extra rounds at c=1 and c=8 (open it in Chrome DevTools, or summarize it with
// bench/profile-summary.ts). Any FN_* / FNODE_* variable in the environment configures the server.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { Pool } from 'undici';
import { startBareProxy } from './bare-proxy.js';
import { printTable } from './stats.js';

// HOT_DIST=1: the server as `npm run build` compiled it (dist/), as production runs it; tsx adds
// a `__name()` call to every closure it creates, which weighs on a hot path.
const from = process.env['HOT_DIST'] ? '../dist/src' : '../src';
const { startFnode } = (await import(`${from}/app/index.js`)) as typeof import('../src/app/index.js');
const { loadConfig } = (await import(`${from}/config/index.js`)) as typeof import('../src/config/index.js');

const CALLS = Number(process.env['HOT_CALLS'] ?? 2000);
const ROUNDS = Number(process.env['HOT_ROUNDS'] ?? 3);
const PROFILE = process.env['HOT_PROFILE'];
const IMAGE = 'fnode-test/hello';
const BODY = '{"name":"bench"}';

const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-hot-'));
const tag = `fnode-bench-${randomUUID().slice(0, 8)}`;
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) {
  if (v !== undefined && (k.startsWith('FN_') || k.startsWith('FNODE_') || k.startsWith('OTEL_'))) env[k] = v;
}
const config = loadConfig(
  {
    // A loaded machine may take more than the default 5 s to start a container for c=8.
    FN_HOT_START_TIMEOUT_MSECS: '60000',
    ...env,
    FN_PORT: '0',
    FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}`,
    FN_DOCKER_NETWORKS: 'none',
    FN_CONTAINER_LABEL_TAG: tag,
  },
  dir,
);
const logger = pino({ level: config.logLevel }, pino.destination({ dest: '/dev/null', sync: false }));
const fnode = await startFnode({ config, logger, host: '127.0.0.1' });
const api = new Pool(fnode.url, { connections: 2 });

async function json<T>(path: string, body: unknown): Promise<T> {
  const res = await api.request({
    path,
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as T;
}

const app = await json<{ id: string }>('/v2/apps', { name: 'hot' });
// A long idle timeout: the container behind the bare proxy must outlive the rows that leave it idle.
const fn = await json<{ id: string }>('/v2/fns', {
  app_id: app.id,
  name: 'hot',
  image: IMAGE,
  idle_timeout: 3600,
});
const invokePath = `/invoke/${fn.id}`;
await json(invokePath, { name: 'warm' });
const containerId = execFileSync('docker', ['ps', '-q', '--filter', `label=fnode.tag=${tag}`], {
  encoding: 'utf8',
})
  .trim()
  .split('\n')[0]!;
const iofs = execFileSync(
  'docker',
  [
    'inspect',
    '-f',
    '{{range .Mounts}}{{if eq .Destination "/tmp/iofs"}}{{.Source}}{{end}}{{end}}',
    containerId,
  ],
  { encoding: 'utf8' },
).trim();
const proxy = await startBareProxy(join(iofs, 'lsnr.sock'), {
  'fn-call-id': 'bench',
  'fn-deadline': new Date(Date.now() + 3600_000).toISOString(),
});

interface Row {
  busyUsPerCall: number;
  wallUsPerCall: number;
}

/** `calls` POSTs from a worker thread; the main thread's busy time over exactly those calls. */
async function drive(origin: string, path: string, concurrency: number, calls: number): Promise<Row> {
  const worker = new Worker(new URL('./hot-worker.mjs', import.meta.url), {
    workerData: {
      origin,
      path,
      concurrency,
      calls,
      body: BODY,
      headers: { 'content-type': 'application/json' },
    },
  });
  const next = () =>
    new Promise<{ ms?: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await next();
  const done = next();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  worker.postMessage('go');
  await done;
  const wall = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  await worker.terminate();
  return { busyUsPerCall: (elu.utilization * wall * 1000) / calls, wallUsPerCall: (wall * 1000) / calls };
}

const targets = [
  { name: 'bare proxy', origin: proxy.url, path: '/' },
  { name: 'fnode /invoke', origin: fnode.url, path: invokePath },
];
const results = new Map<string, Row[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of [1, 8]) {
    for (const t of targets) {
      const key = `${t.name}, c=${c}`;
      const row = await drive(t.origin, t.path, c, CALLS);
      results.set(key, [...(results.get(key) ?? []), row]);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: (string | number)[][] = [];
for (const c of [1, 8]) {
  const bare = median(results.get(`bare proxy, c=${c}`)!.map((r) => r.busyUsPerCall));
  for (const t of targets) {
    const rs = results.get(`${t.name}, c=${c}`)!;
    const busy = median(rs.map((r) => r.busyUsPerCall));
    rows.push([
      `${t.name}, c=${c}`,
      busy,
      Math.min(...rs.map((r) => r.busyUsPerCall)),
      median(rs.map((r) => r.wallUsPerCall)),
      `${(busy / bare).toFixed(2)}x`,
    ]);
  }
}
console.log(
  `\nevent-loop busy time per hot call (${from}, ${CALLS} calls per row, median of ${ROUNDS} rounds)\n`,
);
printTable(['server', 'busy µs/call', 'min', 'wall µs/call', 'vs bare'], rows);

if (PROFILE) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  await drive(fnode.url, invokePath, 1, CALLS);
  await drive(fnode.url, invokePath, 8, CALLS);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(PROFILE, JSON.stringify(profile));
  session.disconnect();
  console.log(`\nCPU profile of fnode's main thread (c=1 then c=8): ${PROFILE}`);
}

await proxy.close();
await api.close();
await fnode.close();
rmSync(dir, { recursive: true, force: true });
