// Does fnode's data plane pay for several processes on this machine? fnode as one process
// (`fnode start`) against the same server in BENCH_WORKERS node:cluster workers sharing its port
// (a prototype: workers/cluster-server.mjs), each with a warmed fast fn (fnode-test/hello), loaded
// from a worker thread of this process at concurrency 1, 8 and 32. The steps are interleaved
// (one server then the other, the order swapped each round) over BENCH_ROUNDS rounds, each after
// waiting up to BENCH_QUIET_WAIT_MS for a quiet machine; medians of req/s, p50 and p99, and the
// CPU time per call of the server, its containers and the load client (the kernel's accounting).
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createApp, createFn, warm } from './invoke/api.js';
import { containersOf, removeTagged } from './invoke/docker.js';
import { type Server, startServer } from './invoke/server.js';
import { median } from './invoke/report.js';
import { loadInWorker, printTable, summarize } from './stats.js';
import { idleShare, snapshot, spentSince } from './workers/cpu.js';

const DURATION_MS = Number(process.env['BENCH_MS'] ?? 3000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? 2);
const QUIET_WAIT_MS = Number(process.env['BENCH_QUIET_WAIT_MS'] ?? 60_000);
const CLUSTER = fileURLToPath(new URL('./workers/cluster-server.mjs', import.meta.url));
const BODY = '{"name":"bench"}';
const CT = 'application/json';

interface Subject {
  name: string;
  server: Server;
  tags: string[];
  fnId: string;
}

interface Step {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  serverUs: number;
  containersUs: number;
  clientUs: number;
  otherCores: number;
}

const run = randomUUID().slice(0, 8);
const subjects: Subject[] = [];
const cleanUp = async () => {
  for (const s of subjects.splice(0)) {
    await s.server.stop().catch((err: unknown) => console.error(`stopping ${s.name}:`, err));
    for (const t of s.tags) removeTagged(t);
  }
};
process.once('SIGINT', () => {
  console.error('interrupted: stopping the servers and removing their containers');
  void cleanUp().finally(() => process.exit(130));
});

/** Until every tag (every worker) has a hot container of the fn: a few short loads at c=8. */
async function warmAll(s: Subject): Promise<void> {
  await warm(s.server.api, s.fnId, BODY, CT);
  for (let i = 0; i < 10 && s.tags.some((t) => containersOf(t, s.fnId).length === 0); i++) {
    await loadInWorker('warm', job(s, 8, 1000), true);
  }
  const per = s.tags.map((t) => containersOf(t, s.fnId).length);
  if (per.includes(0)) throw new Error(`${s.name}: a worker has no hot container (${per.join(', ')})`);
}

const job = (s: Subject, concurrency: number, durationMs: number) => ({
  origin: s.server.url,
  path: `/invoke/${s.fnId}`,
  headers: { 'content-type': CT },
  body: BODY,
  concurrency,
  durationMs,
});

async function step(s: Subject, c: number): Promise<Step> {
  const before = snapshot(s.server.pid, s.tags);
  const sample = await loadInWorker(`${s.name} c=${c}`, job(s, c, DURATION_MS), true);
  const cpu = spentSince(before, s.server.pid, s.tags);
  const perCall = (ms: number) => (1000 * ms) / Math.max(1, sample.count);
  return {
    ...summarize(sample),
    errors: sample.errors ?? 0,
    serverUs: perCall(cpu.serverMs),
    containersUs: perCall(cpu.containersMs),
    clientUs: perCall(cpu.clientMs),
    otherCores: cpu.otherCores,
  };
}

try {
  console.log(`${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at start`);
  // Each is registered as soon as it runs, so that a failure later still stops it.
  const one = await startServer(`fnode-bench-workers-${run}`);
  subjects.push({ name: '1 process', server: one, tags: [one.tag], fnId: '' });
  const env = { BENCH_WORKERS: String(WORKERS) };
  const many = await startServer(`fnode-bench-workers-${run}-n`, env, [CLUSTER]);
  const tags = Array.from({ length: WORKERS }, (_, i) => `${many.tag}-w${i}`);
  subjects.push({ name: `${WORKERS} workers`, server: many, tags, fnId: '' });
  for (const s of subjects) {
    const appId = await createApp(s.server.api, 'bench');
    s.fnId = (await createFn(s.server.api, {
      appId,
      name: 'hello',
      image: 'fnode-test/hello',
      idleTimeout: 3600,
    }))!;
    await warmAll(s);
  }
  const steps = new Map<string, Step[]>();
  for (let r = 0; r < ROUNDS; r++) {
    let idle = 0;
    for (const end = performance.now() + QUIET_WAIT_MS; idle < 0.7 && performance.now() < end; ) {
      idle = await idleShare(2000);
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS}: machine ${(idle * 100).toFixed(0)} % idle before it\n`);
    for (const c of [1, 8, 32]) {
      for (const s of r % 2 === 0 ? subjects : [...subjects].reverse()) {
        const m = await step(s, c);
        const key = `${s.name}|${c}`;
        steps.set(key, [...(steps.get(key) ?? []), m]);
        process.stderr.write(
          `  ${s.name}, c=${c}: ${m.rate.toFixed(0)} req/s, p50 ${m.p50.toFixed(2)} ms, ` +
            `other work ${m.otherCores.toFixed(2)} cores\n`,
        );
      }
    }
  }
  console.log(`\nmedians of ${ROUNDS} interleaved rounds, ${DURATION_MS} ms a step\n`);
  const rows: (string | number)[][] = [];
  for (const c of [1, 8, 32]) {
    const rates: number[] = [];
    for (const s of subjects) {
      const ms = steps.get(`${s.name}|${c}`)!;
      const med = (f: (m: Step) => number) => median(ms.map(f));
      rates.push(med((m) => m.rate));
      rows.push([
        `c=${c}, ${s.name}`,
        med((m) => m.rate),
        med((m) => m.p50),
        med((m) => m.p99),
        String(ms.reduce((a, m) => a + m.errors, 0)),
        med((m) => m.serverUs),
        med((m) => m.containersUs),
        med((m) => m.clientUs),
        med((m) => m.otherCores),
        rates.length === 2 ? `${(rates[1]! / rates[0]!).toFixed(2)}x` : '',
      ]);
    }
  }
  printTable(
    [
      'step',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'server CPU µs/call',
      'containers µs/call',
      'client µs/call',
      'other work, cores',
      'req/s vs 1 process',
    ],
    rows,
  );
  for (const s of subjects) {
    const hot = s.tags.map((t) => containersOf(t, s.fnId).length);
    console.log(`${s.name}: hot containers at the end ${hot.join(' + ')}`);
  }
} finally {
  await cleanUp();
}
