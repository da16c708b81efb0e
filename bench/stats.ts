/** Small helpers shared by the benchmarks: percentiles and a plain-text table. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export interface Sample {
  name: string;
  count: number;
  seconds: number;
  latenciesMs: number[];
  /** Requests that failed (a status other than 200, or no response). */
  errors?: number;
}

export function summarize(s: Sample): { rate: number; p50: number; p99: number } {
  const sorted = [...s.latenciesMs].sort((a, b) => a - b);
  return { rate: s.count / s.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  for (const [n, r] of cells.entries()) {
    console.log(r.map((c, i) => String(c).padEnd(widths[i]!)).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

/** Runs `fn` for `durationMs` from `concurrency` loops; returns the count and each latency. */
export async function load(
  name: string,
  durationMs: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<Sample> {
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await fn(i++);
        latenciesMs.push(performance.now() - t);
      }
    }),
  );
  return { name, count: latenciesMs.length, seconds: (performance.now() - start) / 1000, latenciesMs };
}

/**
 * Runs a POST load from a worker thread; see load-worker.mjs. Throws if any request failed (its
 * status was not `job.status`),
 * unless `allowErrors` (then the sample counts them).
 */
export async function loadInWorker(name: string, job: LoadJob, allowErrors = false): Promise<Sample> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: job });
  const result = await new Promise<{ latencies: number[]; seconds: number; errors: number }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  await worker.terminate();
  if (result.errors > 0 && !allowErrors) throw new Error(`${name}: ${result.errors} requests failed`);
  return {
    name,
    count: result.latencies.length,
    seconds: result.seconds,
    latenciesMs: result.latencies,
    errors: result.errors,
  };
}

export interface LoadJob {
  origin: string;
  socketPath?: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  durationMs: number;
  /** The status of a successful request. Default 200. */
  status?: number;
}
