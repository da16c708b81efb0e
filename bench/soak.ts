// Reliability (item 6): fnode under a steady, bounded mixed load for minutes, started as a user
// starts it (`fnode start` in its own process, a fresh SQLite file; invoke/server.ts). The load
// (soak/load.ts): hot sync calls at c=2, a cold call every 15 s, paced async calls, crashing and
// timing-out calls, app writes. Figures after the warm-up and at the load's end (soak/figures.ts),
// then every async call should be final, and a SIGTERM should leave no container behind.
// SOAK_MS: the load, warm-up included (default 600000). SOAK_WARMUP_MS: default 60000, or 10 %
// of SOAK_MS if shorter. SOAK_ASYNC_PER_SEC: default 10. SOAK_DRAIN_MS: the wait for async calls
// to be final (default 60000). Exit code 1 when a target fails.
import { randomUUID } from 'node:crypto';
import { copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { tagged } from './invoke/docker.js';
import { statusMiB } from './invoke/process.js';
import { type Server, startServer } from './invoke/server.js';
import { waitFinal } from './soak/async-final.js';
import { figures, scrape } from './soak/figures.js';
import { summarizeLog } from './soak/fnode-log.js';
import { createSoakFns, runLoad } from './soak/load.js';
import { printAsync, printCalls, printFigures, printLog, printTargets } from './soak/report.js';
import { Tally } from './soak/tally.js';

const SOAK_MS = Number(process.env['SOAK_MS'] ?? 600_000);
const WARMUP_MS = Number(process.env['SOAK_WARMUP_MS'] ?? Math.min(60_000, SOAK_MS * 0.1));
const ASYNC_PER_SEC = Number(process.env['SOAK_ASYNC_PER_SEC'] ?? 10);
const DRAIN_MS = Number(process.env['SOAK_DRAIN_MS'] ?? 60_000);
const PROGRESS_MS = 30_000;
const tag = `fnode-bench-soak-${randomUUID().slice(0, 8)}`;

let server: Server | undefined;
process.once('SIGINT', () => {
  console.error('interrupted: stopping the server and removing its containers');
  void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

const secs = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
let ok = false;
try {
  console.log(`soak: ${secs(SOAK_MS)} of load (warm-up ${secs(WARMUP_MS)}), container tag ${tag}`);
  server = await startServer(tag);
  const fnode = server;
  const pool = new Pool(fnode.url, { connections: 8 });
  const fns = await createSoakFns(fnode.api, 'soak');
  // The first event-loop window starts with the load, not with the server's start.
  await scrape(fnode);

  const tally = new Tally();
  const asyncIds: string[] = [];
  const t0 = performance.now();
  const loadDone = runLoad({ pool, fns, tally, endAt: t0 + SOAK_MS, asyncPerSec: ASYNC_PER_SEC, asyncIds });
  // Minutes pass: a line now and then says it is alive and how it goes.
  const progress = setInterval(() => {
    const fds = readdirSync(`/proc/${fnode.pid}/fd`).length;
    const rss = `RSS ${fnode.rssMiB().toFixed(1)} MiB (anonymous ${statusMiB(fnode.pid, 'RssAnon').toFixed(1)})`;
    console.log(`[${secs(performance.now() - t0)}] ${tally.line()}; ${rss}, ${fds} fds`);
  }, PROGRESS_MS);
  // A run that fails half-way still exits.
  progress.unref();
  await sleep(WARMUP_MS);
  const start = await figures(fnode);
  console.log(`[${secs(performance.now() - t0)}] warm-up over: RSS ${start.rssMiB.toFixed(1)} MiB`);
  await loadDone;
  clearInterval(progress);
  const end = await figures(fnode);
  await pool.close();
  console.log(`[${secs(performance.now() - t0)}] load over; waiting for ${asyncIds.length} async calls`);

  const asyncOut = await waitFinal(fnode.api, fns.async, asyncIds, DRAIN_MS);
  const stopAt = performance.now();
  const exit = await fnode.terminate(40_000);
  const stop = { ...exit, ms: performance.now() - stopAt, leftContainers: tagged(tag, true).length };
  // The server's directory goes with stop(): its log is kept apart for a look afterwards.
  const logCopy = join(tmpdir(), `${tag}.log`);
  copyFileSync(fnode.logPath, logCopy);

  console.log();
  printFigures(start, end);
  console.log();
  printCalls(tally);
  console.log();
  printAsync(asyncIds.length, asyncOut);
  printLog(logCopy, summarizeLog(fnode.logPath));
  console.log();
  ok = printTargets(start, end, stop, asyncIds.length, asyncOut);
} catch (e) {
  console.error('soak failed:', e);
} finally {
  await server?.stop().catch((err: unknown) => console.error('stopping the server:', err));
}
process.exitCode = ok ? 0 : 1;
