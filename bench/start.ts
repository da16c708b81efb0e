// Light start (issue 11, item 7): `fnode start` on the default configuration (a fresh SQLite
// file, nothing else set), as a user runs it. Per run: time from spawn to the first 200 on
// `GET /version`, the process's CPU time by then, and its RSS once idle. Prints the medians.
// Targets: /version within 0.5 s, idle RSS <= 60 MiB. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { printTable } from './stats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const IDLE_MS = Number(process.env['BENCH_IDLE_MS'] ?? 5000);
const CLI = resolve(process.env['BENCH_CLI'] ?? 'dist/bin/fnode.js');
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function oneRun(i: number): Promise<{ versionMs: number; cpuMs: number; rssMiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-start-'));
  const port = 20_000 + ((process.pid * 7 + i) % 20_000);
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: dir,
    stdio: 'ignore',
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? dir,
      FN_PORT: String(port),
      FNODE_AUTH: 'off',
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: `fnode-bench-start-${process.pid}`,
    },
  });
  try {
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/version`).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      );
      if (status === 200) break;
      if (child.exitCode !== null) throw new Error(`fnode start exited with ${child.exitCode}`);
      await sleep(5);
    }
    const versionMs = performance.now() - t0;
    const cpu = cpuMs(child.pid!);
    await sleep(IDLE_MS);
    return { versionMs, cpuMs: cpu, rssMiB: rssMiB(child.pid!) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await oneRun(i));
printTable(
  ['runs', '/version ms', 'CPU ms by then', `RSS MiB after ${IDLE_MS / 1000} s idle`],
  [
    [
      String(RUNS),
      median(runs.map((r) => r.versionMs)),
      median(runs.map((r) => r.cpuMs)),
      median(runs.map((r) => r.rssMiB)),
    ],
  ],
);
