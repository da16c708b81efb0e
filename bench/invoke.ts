// fnode's invoke path against floors measured in the same run, with fnode started as a user
// starts it (`fnode start` in its own process) and the load from a worker thread of this one:
// - a fast fn at c=1, 8, 32 against its own container on its socket and a bare Node proxy
//   (its own process too; bare-proxy.ts) in front of that socket;
// - a 20 ms I/O-bound fn at c=8, 32, with and without `fnode.io/max-concurrency: 32`;
// - the server's start time and memory, idle and after the load;
// - the first call of a new fn against `docker run`, and of a `fnode.io/min-hot: 1` fn.
// BENCH_MS: duration of each load step (default 4000). BENCH_COLD_RUNS: first calls (default 5).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { fastRows } from './invoke/fast.js';
import { firstCallFigures } from './invoke/first-call.js';
import { type Figure, printFigures, printRows, type Row } from './invoke/report.js';
import { type Server, startServer } from './invoke/server.js';
import { sleepRows } from './invoke/sleep.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 4000);
const BARE_FASTIFY = fileURLToPath(new URL('./bare-fastify.mjs', import.meta.url));
const COLD_RUNS = Number(process.env['BENCH_COLD_RUNS'] ?? 5);
const tag = `fnode-bench-invoke-${randomUUID().slice(0, 8)}`;

const servers: Server[] = [];
const cleanUp = async () => {
  for (const s of servers.splice(0)) {
    await s.stop().catch((err: unknown) => console.error(`stopping ${s.tag}:`, err));
  }
};
process.once('SIGINT', () => {
  console.error('interrupted: stopping the servers and removing their containers');
  void cleanUp().finally(() => process.exit(130));
});

const rows: Row[] = [];
const server: Figure[] = [];
const firstCalls: Figure[] = [];
const failures: string[] = [];
/** A section that fails is reported, and the next one still runs on the same server. */
const section = async (name: string, run: () => Promise<void>) => {
  try {
    await run();
  } catch (e) {
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
};

// The machine may be shared: its load says how far to trust the figures.
const load = () => loadavg()[0]!.toFixed(1);
server.push({ label: 'machine load average (1 min) at start', value: load() });

try {
  // The floor: Node.js with Fastify and one route, started and measured the same way.
  const bare = await startServer(`${tag}-bare`, {}, [BARE_FASTIFY]);
  await sleep(2000);
  const bareRss = bare.rssMiB();
  await bare.stop();
  const fnode = await startServer(tag);
  servers.push(fnode);
  await sleep(2000);
  const idleRss = fnode.rssMiB();
  server.push(
    { label: 'bare Node + Fastify: spawn -> first 200 on /version, ms', value: bare.versionMs },
    {
      label: 'spawn -> first 200 on /version, ms',
      value: fnode.versionMs,
      target: '<= 500',
      ok: fnode.versionMs <= 500,
    },
    { label: 'bare Node + Fastify: RSS idle 2 s, MiB', value: bareRss },
    { label: 'RSS of the fresh server, idle 2 s, MiB', value: idleRss, target: '<= 60', ok: idleRss <= 60 },
  );
  await section('fast fn', async () => {
    // A second server with FNODE_EXACT_CALL_LOGS=true: what the exact log routing costs.
    const exact = await startServer(`${tag}-exact`, { FNODE_EXACT_CALL_LOGS: 'true' });
    servers.push(exact);
    rows.push(...(await fastRows(fnode, exact, DURATION_MS)));
    await exact.stop();
  });
  await section('20 ms fn', async () => {
    rows.push(...(await sleepRows(fnode, DURATION_MS)));
  });
  await section('RSS after the load', async () => {
    server.push({ label: 'RSS after the load, MiB', value: fnode.rssMiB() });
  });
  await section('first calls', async () => {
    firstCalls.push(...(await firstCallFigures(fnode, COLD_RUNS)));
  });
} finally {
  server.push({ label: 'machine load average (1 min) at end', value: load() });
  await cleanUp();
  printRows(
    `fnode (its own process, default configuration) against floors, ${DURATION_MS} ms a step; ` +
      'hot = containers of the fn in `docker ps` at the end of the step',
    rows,
  );
  printFigures('the server process', server);
  printFigures('first calls', firstCalls);
  if (failures.length > 0) {
    console.log(`\nfailed:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}
