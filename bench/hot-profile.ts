// Event-loop time per hot call: fnode's `POST /invoke/{fn_id}` against a bare Node proxy in front
// of the same container socket (bare-proxy.ts), both in this process, driven from a worker thread.
// Busy µs per call = the main thread's event-loop utilization over the calls × wall time / calls:
// what each call costs the one thread that serves all of them, whatever the latency. On a shared
// machine that also counts the time the thread waited for a core while busy; CPU µs per call
// (the main thread's on-CPU time, from Linux's schedstat) does not, and is the steadier of the two.
//
//   node --import tsx bench/hot-profile.ts
//   HOT_CALLS=3000 HOT_ROUNDS=3 HOT_PROFILE=/tmp/hot.cpuprofile node --import tsx bench/hot-profile.ts
//
// Rows alternate between the two servers and repeat (HOT_ROUNDS): on a shared machine compare
// the ratio within one run, not numbers across runs. HOT_PROFILE writes a CPU profile of fnode's
// main thread over extra rounds at c=1 and c=8 (open it in Chrome DevTools, or summarize it with
// bench/profile-summary.ts). Any FN_* / FNODE_* variable in the environment configures the server.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { Pool } from 'undici';
import { startBareProxy } from './bare-proxy-server.js';
import { printTable } from './stats.js';

// HOT_DIST=1: the server as `npm run build` compiled it (dist/), as production runs it; tsx adds
// a `__name()` call to every closure it creates, which weighs on a hot path.
// HOT_BASELINE=<dir of another build's dist/src>: a second fnode, from that build, measured in the
// same rounds (before/after a change in one run; each server has its own container).
const from = process.env['HOT_DIST'] ? '../dist/src' : '../src';
const baselineFrom = process.env['HOT_BASELINE'];

const CALLS = Number(process.env['HOT_CALLS'] ?? 2000);
const ROUNDS = Number(process.env['HOT_ROUNDS'] ?? 3);
const PROFILE = process.env['HOT_PROFILE'];
/** A directory: one more c=1 row per server under `strace -c` of the main thread (syscalls per call). */
const STRACE = process.env['HOT_STRACE'];
const IMAGE = 'fnode-test/hello';
const BODY = '{"name":"bench"}';

const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-hot-'));
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) {
  if (v !== undefined && (k.startsWith('FN_') || k.startsWith('FNODE_') || k.startsWith('OTEL_'))) env[k] = v;
}

/** Closed at the end, also after a failure: each removes its containers. */
const started: import('../src/app/index.js').Fnode[] = [];
let proxy: Awaited<ReturnType<typeof startBareProxy>> | undefined;

interface Server {
  name: string;
  fnode: import('../src/app/index.js').Fnode;
  invokePath: string;
  /** The socket of the container that served the warm-up call. */
  socketPath: string;
}

/** An fnode from the build at `src` (its own database and container tag), with a warm fn. */
async function startServer(name: string, src: string, sub: string): Promise<Server> {
  const { startFnode } = (await import(`${src}/app/index.js`)) as typeof import('../src/app/index.js');
  const { loadConfig } = (await import(`${src}/config/index.js`)) as typeof import('../src/config/index.js');
  const tag = `fnode-bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig(
    {
      // A loaded machine may take more than the default 5 s to start a container for c=8.
      FN_HOT_START_TIMEOUT_MSECS: '60000',
      ...env,
      FN_PORT: '0',
      FNODE_AUTH: 'off',
      FN_DB_URL: `sqlite3://${join(dir, sub, 'fn.db')}`,
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: tag,
    },
    join(dir, sub),
  );
  const logger = pino({ level: config.logLevel }, pino.destination({ dest: '/dev/null', sync: false }));
  const fnode = await startFnode({ config, logger, host: '127.0.0.1' });
  started.push(fnode);
  const api = new Pool(fnode.url, { connections: 1 });
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
  const app = await json<{ id: string }>('/v2/apps', { name: 'hot' });
  // A long idle timeout: the container behind the bare proxy must outlive the rows that leave it idle.
  const fn = await json<{ id: string }>('/v2/fns', {
    app_id: app.id,
    name: 'hot',
    image: IMAGE,
    idle_timeout: 3600,
  });
  const invokePath = `/invoke/${fn.id}`;
  // On a loaded machine the first container may start too late for its first call: try again.
  for (let attempt = 1; ; attempt++) {
    const ok = await json(invokePath, { name: 'warm' }).then(
      () => true,
      (err: unknown) => {
        if (attempt >= 5) throw err;
        return false;
      },
    );
    if (ok) break;
  }
  await api.close();
  const docker = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
  const containerId = docker(['ps', '-q', '--filter', `label=fnode.tag=${tag}`]).split('\n')[0]!;
  const iofs = docker([
    'inspect',
    '-f',
    '{{range .Mounts}}{{if eq .Destination "/tmp/iofs"}}{{.Source}}{{end}}{{end}}',
    containerId,
  ]);
  return { name, fnode, invokePath, socketPath: join(iofs, 'lsnr.sock') };
}

try {
  const servers = [await startServer('fnode /invoke', from, 'fnode')];
  if (baselineFrom) servers.push(await startServer('baseline /invoke', baselineFrom, 'baseline'));
  proxy = await startBareProxy(servers[0]!.socketPath, {
    'fn-call-id': 'bench',
    'fn-deadline': new Date(Date.now() + 3600_000).toISOString(),
  });

  interface Row {
    busyUsPerCall: number;
    cpuUsPerCall: number;
    wallUsPerCall: number;
  }

  /** Nanoseconds this (main) thread has run on a CPU; NaN off Linux. */
  const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
  const threadCpuNs = (): number =>
    existsSync(SCHEDSTAT) ? Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) : Number.NaN;

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
    const cpu0 = threadCpuNs();
    const t0 = performance.now();
    worker.postMessage('go');
    await done;
    const wall = performance.now() - t0;
    const cpu = threadCpuNs() - cpu0;
    const elu = performance.eventLoopUtilization(elu0);
    await worker.terminate();
    return {
      busyUsPerCall: (elu.utilization * wall * 1000) / calls,
      cpuUsPerCall: cpu / 1000 / calls,
      wallUsPerCall: (wall * 1000) / calls,
    };
  }

  const targets = [
    { name: 'bare proxy', origin: proxy.url, path: '/' },
    ...servers.map((s) => ({ name: s.name, origin: s.fnode.url, path: s.invokePath })),
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
    const bare = results.get(`bare proxy, c=${c}`)!;
    const bareBusy = median(bare.map((r) => r.busyUsPerCall));
    const bareCpu = median(bare.map((r) => r.cpuUsPerCall));
    for (const t of targets) {
      const rs = results.get(`${t.name}, c=${c}`)!;
      const busy = median(rs.map((r) => r.busyUsPerCall));
      const cpu = median(rs.map((r) => r.cpuUsPerCall));
      rows.push([
        `${t.name}, c=${c}`,
        busy,
        `${(busy / bareBusy).toFixed(2)}x`,
        cpu,
        Math.min(...rs.map((r) => r.cpuUsPerCall)),
        `${(cpu / bareCpu).toFixed(2)}x`,
        median(rs.map((r) => r.wallUsPerCall)),
      ]);
    }
  }
  console.log(
    `\nmain-thread time per hot call (${from}, ${CALLS} calls per row, median of ${ROUNDS} rounds)\n`,
  );
  printTable(['server', 'busy µs/call', 'vs bare', 'CPU µs/call', 'min', 'vs bare', 'wall µs/call'], rows);
  for (const s of servers)
    console.log(`${s.name}: ${s.fnode.agent?.stats().containers ?? 0} hot containers after c=8`);

  if (STRACE) {
    for (const t of targets) {
      const out = join(STRACE, `${t.name.replace(/\W+/g, '-')}.strace`);
      // The main thread only (its tid is the pid): not the load worker nor libuv's pool.
      const opts = process.env['HOT_STRACE_ARGS']?.split(' ') ?? ['-c'];
      const strace = spawn('strace', [...opts, '-o', out, '-p', String(process.pid)], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 500));
      await drive(t.origin, t.path, 1, CALLS);
      const exited = new Promise((r) => strace.once('exit', r));
      strace.kill('SIGINT');
      await exited;
      console.log(`syscalls of the main thread over ${CALLS} calls at c=1 (${t.name}): ${out}`);
    }
  }

  if (PROFILE) {
    // fnode's calls, then the bare proxy's (`<file>.bare.cpuprofile`): the same concurrencies.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    const { fnode, invokePath } = servers[0]!;
    for (const [file, origin, path] of [
      [PROFILE, fnode.url, invokePath],
      [PROFILE.replace(/(\.cpuprofile)?$/, '.bare.cpuprofile'), proxy.url, '/'],
    ] as const) {
      await session.post('Profiler.start');
      await drive(origin, path, 1, CALLS);
      await drive(origin, path, 8, CALLS);
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile of the main thread, ${CALLS} calls at c=1 then at c=8: ${file}`);
    }
    session.disconnect();
  }
} finally {
  await proxy?.close();
  for (const f of started) await f.close();
  rmSync(dir, { recursive: true, force: true });
}
