// Async enqueue as a user runs it: `fnode start` (the bundle) in its own process, `POST
// /invoke/{fn_id}` with `Fn-Invoke-Type: async` at c=8 from a worker thread of this one, the
// calls delayed an hour so that the runner stays out of the measurement. The first round warms
// the server up (its JIT); the best of the rounds after it is reported, with the server's CPU
// per enqueue (all its threads, and its event loop alone, from /proc). Needs `npm run build`.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApp, createFn } from '../invoke/api.js';
import { startServer } from '../invoke/server.js';
import { loadInWorker, summarize } from '../stats.js';

const MAIN = fileURLToPath(new URL('../../dist/bin/fnode.js', import.meta.url));

export interface EnqueueRound {
  rate: number;
  p50: number;
  p99: number;
  /** CPU of the whole server process per enqueue, µs. */
  cpuUs: number;
  /** CPU of its event loop (main thread) per enqueue, µs. */
  loopUs: number;
}

/** CPU time (ms) from a /proc stat file: of the process, or of one of its threads. */
function statCpuMs(file: string): number {
  const f = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/**
 * `rounds` rounds of `durationMs` against a server started with `env` (over the defaults);
 * `nodeArgs` go before the script (e.g. `--cpu-prof`). Every round, the warm-up first.
 */
export async function measureEnqueue(
  env: Record<string, string>,
  opts: { durationMs: number; rounds: number; nodeArgs?: string[] },
): Promise<EnqueueRound[]> {
  const tag = `fnode-bench-enq-${randomUUID().slice(0, 8)}`;
  const server = await startServer(tag, env, [...(opts.nodeArgs ?? []), MAIN, 'start']);
  const cpu = () => statCpuMs(`/proc/${server.pid}/stat`);
  const loop = () => statCpuMs(`/proc/${server.pid}/task/${server.pid}/stat`);
  try {
    const appId = await createApp(server.api, `enq-${randomUUID().slice(0, 8)}`);
    const fnId = (await createFn(server.api, { appId, name: 'hello', image: 'fnode-test/hello' }))!;
    const rounds: EnqueueRound[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const cpu0 = cpu();
      const loop0 = loop();
      const sample = await loadInWorker('enqueue', {
        origin: server.url,
        path: `/invoke/${fnId}`,
        headers: { 'content-type': 'application/json', 'fn-invoke-type': 'async', 'fn-async-delay': '3600' },
        body: '{}',
        concurrency: 8,
        durationMs: opts.durationMs,
        status: 202,
      });
      const s = summarize(sample);
      rounds.push({
        ...s,
        cpuUs: ((cpu() - cpu0) * 1000) / sample.count,
        loopUs: ((loop() - loop0) * 1000) / sample.count,
      });
    }
    return rounds;
  } finally {
    await server.stop();
  }
}

/** The best round after the warm-up (the first), or the only one. */
export function bestAfterWarmUp(rounds: EnqueueRound[]): EnqueueRound {
  const measured = rounds.length > 1 ? rounds.slice(1) : rounds;
  return measured.reduce((a, b) => (b.rate > a.rate ? b : a));
}
