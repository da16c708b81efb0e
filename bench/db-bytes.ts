// Call history at volume on SQLite (issue 18). N sync calls of fnode-test/hello through a server
// (BENCH_CALLS, default 100,000), then the file's growth per call after a retention pass (WAL
// checkpointed), with where the bytes go (dbstat). Then a pass that finds them all past the
// retention (an injected clock) and removes them while a client keeps invoking: the invocations'
// latency and the event loop's longest stall while it runs, against the same client before it,
// and what the file comes back to. BENCH_KEEP=1 keeps the database file to look into.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { Pool } from 'undici';
import { startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { CallPruner, type PruneResult } from '../src/runner/index.js';
import { percentile, printTable } from './stats.js';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 100_000);
const CONCURRENCY = 8;
const TARGET_BYTES_PER_CALL = 400;
const RETENTION_SECS = 7 * 86_400;

/** Checkpoints the WAL into the file, then its size and the bytes of each table and index. */
function fileStats(file: string): { size: number; objects: Map<string, number> } {
  const db = new SqliteDatabase(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const rows = db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as {
      name: string;
      bytes: number;
    }[];
    return { size: statSync(file).size, objects: new Map(rows.map((r) => [r.name, r.bytes])) };
  } finally {
    db.close();
  }
}

export interface DbBytesResult {
  calls: number;
  bytesPerCall: number;
  /** Invocations at c=1 while the calls are removed: p99 and max ms, and the same before. */
  pruning: { p99: number; max: number; loopMaxMs: number };
  idle: { p99: number; max: number; loopMaxMs: number };
}

export async function measureDbBytes(calls = CALLS): Promise<DbBytesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-db-bytes-'));
  const file = join(dir, 'fn.db');
  const config = loadConfig(
    {
      FN_PORT: '0',
      FNODE_AUTH: 'off',
      FN_DB_URL: `sqlite3://${file}`,
      FN_DOCKER_NETWORKS: 'none',
      // Containers start slowly on a busy machine; a start is not what this measures.
      FN_HOT_START_TIMEOUT_MSECS: '30000',
      FN_CONTAINER_LABEL_TAG: `fnode-bench-${randomUUID().slice(0, 8)}`,
    },
    dir,
  );
  const fnode = await startFnode({ config, logger: pino({ level: 'warn' }), host: '127.0.0.1' });
  const api = new Pool(fnode.url, { connections: CONCURRENCY });
  const request = async (method: 'GET' | 'POST', path: string, body: string): Promise<string> => {
    const res = await api.request({ path, method, body, headers: { 'content-type': 'application/json' } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text}`);
    return text;
  };
  const pruner = (clockOffsetMs: number) =>
    new CallPruner({
      datastore: fnode.datastore,
      retentionSecs: RETENTION_SECS,
      now: () => Date.now() + clockOffsetMs,
    });
  try {
    const app = JSON.parse(await request('POST', '/v2/apps', JSON.stringify({ name: 'bench' }))) as {
      id: string;
    };
    const fn = JSON.parse(
      await request(
        'POST',
        '/v2/fns',
        JSON.stringify({ app_id: app.id, name: 'hello', image: 'fnode-test/hello' }),
      ),
    ) as { id: string };
    const invoke = () => request('POST', `/invoke/${fn.id}`, '{"name":"bench"}');
    await invoke();
    const before = fileStats(file);

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < calls) await invoke();
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // The recorder writes in batches after the answers: wait for the last record.
    const counter = new SqliteDatabase(file, { readonly: true });
    const stored = () => (counter.prepare('select count(*) as n from calls').get() as { n: number }).n;
    while (stored() < calls + 1) await new Promise((r) => setTimeout(r, 50));

    // The retention pass a server runs: nothing is old enough yet.
    await pruner(0).runOnce();
    const after = fileStats(file);
    const bytesPerCall = (after.size - before.size) / calls;
    console.log(
      `\ndatabase bytes per sync call (SQLite): ${calls} calls of fnode-test/hello at c=${CONCURRENCY} in ${seconds.toFixed(1)} s`,
    );
    printTable(
      ['table or index', 'bytes', 'bytes/call'],
      [...after.objects]
        .map(([name, bytes]) => [name, bytes - (before.objects.get(name) ?? 0)] as const)
        .filter(([, bytes]) => bytes > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([name, bytes]) => [name, bytes, bytes / calls]),
    );
    console.log(
      `file: ${before.size} -> ${after.size} bytes: ${bytesPerCall.toFixed(0)} bytes/call (target <= ${TARGET_BYTES_PER_CALL})`,
    );

    // Invocations one at a time, for as long as `during` runs (or `ms`), with the event loop's stalls.
    const probe = async (during: Promise<unknown> | number) => {
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const latencies: number[] = [];
      let done = false;
      const end = typeof during === 'number' ? performance.now() + during : Number.POSITIVE_INFINITY;
      if (typeof during !== 'number') void during.finally(() => (done = true));
      while (!done && performance.now() < end) {
        const t = performance.now();
        await invoke();
        latencies.push(performance.now() - t);
      }
      if (typeof during !== 'number') await during;
      loop.disable();
      latencies.sort((a, b) => a - b);
      return {
        count: latencies.length,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1] ?? Number.NaN,
        loopMaxMs: loop.max / 1e6,
      };
    };
    const idle = await probe(2000);
    const t0 = performance.now();
    let result: PruneResult | undefined;
    const pruning = await probe(
      pruner((RETENTION_SECS + 86_400) * 1000)
        .runOnce()
        .then((r) => {
          result = r;
        }),
    );
    const pruneSeconds = (performance.now() - t0) / 1000;
    counter.close();
    const pruned = fileStats(file);
    console.log(
      `\nremoving them (retention pass, clock 8 days on): ${result?.calls} calls in ${result?.batches} batches, ${pruneSeconds.toFixed(1)} s; invocations at c=1 meanwhile`,
    );
    printTable(
      ['', 'invocations', 'p50 ms', 'p99 ms', 'max ms', 'event loop max stall ms'],
      [
        ['before', idle.count, idle.p50, idle.p99, idle.max, idle.loopMaxMs],
        ['while removing', pruning.count, pruning.p50, pruning.p99, pruning.max, pruning.loopMaxMs],
      ],
    );
    console.log(`file after removal: ${pruned.size} bytes (free pages given back)`);
    return {
      calls,
      bytesPerCall,
      idle: { p99: idle.p99, max: idle.max, loopMaxMs: idle.loopMaxMs },
      pruning: { p99: pruning.p99, max: pruning.max, loopMaxMs: pruning.loopMaxMs },
    };
  } finally {
    await api.close();
    await fnode.close();
    if (process.env['BENCH_KEEP']) console.log(`kept ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await measureDbBytes();
