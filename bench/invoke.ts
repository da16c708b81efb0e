// Hot invoke through fnode against the same container driven directly on its socket, at
// concurrency 1 and 8; and cold start (first call of a new fn) against bare `docker run` to
// first response. Prints a table and the ratios against the floors measured in this run: the
// direct socket, and a bare Node proxy in front of it (what any Node hop costs; bare-proxy.ts).
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Pool } from 'undici';
import { startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { startBareProxy } from './bare-proxy.js';
import { loadInWorker, printTable, summarize } from './stats.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 4000);
const COLD_RUNS = Number(process.env['BENCH_COLD_RUNS'] ?? 5);
const IMAGE = 'fnode-test/hello';
const BODY = '{"name":"bench"}';

const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-invoke-'));
const tag = `fnode-bench-${randomUUID().slice(0, 8)}`;
const fnodeAt = (sub: string, extra: Record<string, string> = {}) => {
  const config = loadConfig(
    {
      FN_PORT: '0',
      FN_DB_URL: `sqlite3://${join(dir, sub, 'fn.db')}`,
      FN_DOCKER_NETWORKS: 'none',
      // A tag each: at start a server removes the containers of its tag it did not start.
      FN_CONTAINER_LABEL_TAG: `${tag}-${sub}`,
      ...extra,
    },
    join(dir, sub),
  );
  // The server's own log level (FN_LOG_LEVEL, info by default), written where no one reads it.
  const logger = pino({ level: config.logLevel }, pino.destination({ dest: '/dev/null', sync: false }));
  return startFnode({ config, logger, host: '127.0.0.1' });
};
const fnode = await fnodeAt('default');
// The same server with FNODE_EXACT_CALL_LOGS=true: what the exact log routing costs.
const exactFnode = await fnodeAt('exact', { FNODE_EXACT_CALL_LOGS: 'true' });
const api = new Pool(fnode.url, { connections: 16 });
const exactApi = new Pool(exactFnode.url, { connections: 2 });

async function call(pool: Pool, path: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await pool.request({
    path,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json', ...headers },
  });
  await res.body.arrayBuffer();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`);
}

async function json<T>(method: 'POST' | 'GET', path: string, body?: unknown, pool = api): Promise<T> {
  const res = await pool.request({
    path,
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as T;
}

const app = await json<{ id: string }>('POST', '/v2/apps', { name: 'bench' });
const newFn = (name: string) =>
  json<{ id: string }>('POST', '/v2/fns', { app_id: app.id, name, image: IMAGE });
const exactApp = await json<{ id: string }>('POST', '/v2/apps', { name: 'bench' }, exactApi);
const exactHot = await json<{ id: string }>(
  'POST',
  '/v2/fns',
  { app_id: exactApp.id, name: 'hot', image: IMAGE },
  exactApi,
);
await call(exactApi, `/invoke/${exactHot.id}`);

// Hot path: one fn, warmed; the floor is its own container's socket.
const hot = await newFn('hot');
await call(api, `/invoke/${hot.id}`);
const containerId = execFileSync('docker', ['ps', '-q', '--filter', `label=fnode.tag=${tag}-default`], {
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
const fnHeaders = { 'fn-call-id': 'bench', 'fn-deadline': new Date(Date.now() + 3600_000).toISOString() };

const rows: (string | number)[][] = [];
const ratios: string[] = [];
const sockPath = join(iofs, 'lsnr.sock');
const proxy = await startBareProxy(sockPath, fnHeaders);
for (const concurrency of [1, 8]) {
  const common = { body: BODY, concurrency, durationMs: DURATION_MS };
  const floor = summarize(
    await loadInWorker('floor', {
      ...common,
      origin: 'http://localhost',
      socketPath: sockPath,
      path: '/call',
      headers: { ...fnHeaders, 'content-type': 'application/json' },
    }),
  );
  const bare = summarize(
    await loadInWorker('bare proxy', {
      ...common,
      origin: proxy.url,
      path: '/',
      headers: { 'content-type': 'application/json' },
    }),
  );
  const ours = summarize(
    await loadInWorker('fnode', {
      ...common,
      origin: fnode.url,
      path: `/invoke/${hot.id}`,
      headers: { 'content-type': 'application/json' },
    }),
  );
  const exact = summarize(
    await loadInWorker('fnode, exact logs', {
      ...common,
      origin: exactFnode.url,
      path: `/invoke/${exactHot.id}`,
      headers: { 'content-type': 'application/json' },
    }),
  );
  rows.push([`direct socket, c=${concurrency}`, floor.rate, floor.p50, floor.p99, '']);
  for (const [label, s] of [
    [`bare Node proxy, c=${concurrency}`, bare],
    [`fnode /invoke, c=${concurrency}`, ours],
    [`  FNODE_EXACT_CALL_LOGS=true`, exact],
  ] as const) {
    rows.push([label, s.rate, s.p50, s.p99, `${((100 * s.rate) / floor.rate).toFixed(0)} % of floor`]);
  }
  ratios.push(
    `c=${concurrency}: added p50 ${(ours.p50 - floor.p50).toFixed(3)} ms (${(exact.p50 - floor.p50).toFixed(3)} ms with exact logs), p99 ${ours.p99.toFixed(2)} ms, rate ${((100 * ours.rate) / floor.rate).toFixed(0)} % of floor; a bare Node proxy adds ${(bare.p50 - floor.p50).toFixed(3)} ms, fnode ${(ours.p50 - bare.p50).toFixed(3)} ms more`,
  );
}
const hotContainers = fnode.agent?.stats().containers ?? 0;

// Cold start: first call of a new fn vs bare docker run to first response.
const coldOurs: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) {
  const fn = await newFn(`cold-${i}`);
  const t = performance.now();
  await call(api, `/invoke/${fn.id}`);
  coldOurs.push(performance.now() - t);
}
const coldBare: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) coldBare.push(await bareDockerRun());
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`\nfnode hot invoke vs the same container on its socket (${DURATION_MS} ms per row)\n`);
printTable(['path', 'req/s', 'p50 ms', 'p99 ms', 'share'], rows);
console.log(`\n${ratios.join('\n')}\nhot containers used for c=8: ${hotContainers}\n`);
printTable(
  ['cold start', 'median ms', 'min ms', 'max ms'],
  [
    ['bare docker run -> first response', med(coldBare), Math.min(...coldBare), Math.max(...coldBare)],
    ['fnode first call of a new fn', med(coldOurs), Math.min(...coldOurs), Math.max(...coldOurs)],
  ],
);
console.log(
  `\ncold start ratio: ${(med(coldOurs) / med(coldBare)).toFixed(2)}x bare docker run (target <= 1.2x)`,
);

await proxy.close();
await api.close();
await exactApi.close();
await fnode.close();
await exactFnode.close();
rmSync(dir, { recursive: true, force: true });

async function bareDockerRun(): Promise<number> {
  const io = mkdtempSync(join(tmpdir(), 'fnode-bench-iofs-'));
  chmodSync(io, 0o777);
  const sock = join(io, 'lsnr.sock');
  const t = performance.now();
  const ready = new Promise<void>((resolve) => {
    const w = watch(io, () => {
      if (existsSync(sock)) {
        w.close();
        resolve();
      }
    });
  });
  const name = `fnode-bench-bare-${randomUUID().slice(0, 8)}`;
  const child = spawn(
    'docker',
    [
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '--user',
      '1000:1000',
      '-v',
      `${io}:/tmp/iofs`,
      '-e',
      'FN_FORMAT=http-stream',
      '-e',
      'FN_LISTENER=unix:/tmp/iofs/lsnr.sock',
      IMAGE,
    ],
    { stdio: 'ignore' },
  );
  // `docker run -d` may exit before the function is ready: listen now.
  const exited = new Promise((r) => child.once('exit', r));
  await ready;
  const pool = new Pool('http://localhost', { socketPath: sock, connections: 1 });
  await call(pool, '/call', fnHeaders);
  const ms = performance.now() - t;
  await pool.close();
  await exited;
  execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  rmSync(io, { recursive: true, force: true });
  return ms;
}
