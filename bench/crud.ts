// CRUD on embedded SQLite with 10,000 fns: list a page and get one, through real HTTP.
// Prints a table with p50/p99; the floor is `GET /version` on the same server in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { createDatastore } from '../src/datastore/index.js';
import { buildServer } from '../src/server/index.js';
import { load, printTable, summarize } from './stats.js';

const FNS = Number(process.env['BENCH_FNS'] ?? 10_000);
const DURATION_MS = Number(process.env['BENCH_MS'] ?? 3000);

const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-crud-'));
const ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
const app = await ds.insertApp({ name: 'bench' });
const t0 = performance.now();
const ids: string[] = [];
for (let i = 0; i < FNS; i++) {
  const fn = await ds.insertFn({
    app_id: app.id,
    name: `fn-${String(i).padStart(5, '0')}`,
    image: 'bench/fn:1',
  });
  ids.push(fn.id);
}
const insertSecs = (performance.now() - t0) / 1000;

const server = await buildServer({ datastore: ds, logger: false, version: 'bench', maxRequestSize: 0 });
const url = await server.listen({ port: 0, host: '127.0.0.1' });
const pool = new Pool(url, { connections: 8 });
const get = async (path: string) => {
  const res = await pool.request({ path, method: 'GET' });
  await res.body.arrayBuffer();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`);
};

const rows: (string | number)[][] = [];
const floor = summarize(await load('floor', DURATION_MS, 1, () => get('/version')));
const add = (name: string, s: ReturnType<typeof summarize>) =>
  rows.push([name, s.rate, s.p50, s.p99, s.p50 / floor.p50]);
add('GET /version (floor)', floor);
add(
  'GET /v2/fns/{id}',
  summarize(await load('get', DURATION_MS, 1, (i) => get(`/v2/fns/${ids[i % ids.length]}`))),
);
add(
  'GET /v2/fns?app_id (first page, 30)',
  summarize(await load('list', DURATION_MS, 1, () => get(`/v2/fns?app_id=${app.id}`))),
);
const mid = Buffer.from(`fn-${String(Math.floor(FNS / 2)).padStart(5, '0')}`).toString('base64url');
add(
  'GET /v2/fns?app_id&cursor (mid, 100)',
  summarize(
    await load('list-mid', DURATION_MS, 1, () => get(`/v2/fns?app_id=${app.id}&per_page=100&cursor=${mid}`)),
  ),
);
add('GET /v2/apps/{id}', summarize(await load('get-app', DURATION_MS, 1, () => get(`/v2/apps/${app.id}`))));

console.log(
  `\nfnode CRUD on SQLite, ${FNS} fns (inserted in ${insertSecs.toFixed(1)} s, ${(FNS / insertSecs).toFixed(0)}/s)\n`,
);
printTable(['request', 'req/s', 'p50 ms', 'p99 ms', 'p50 / floor'], rows);

await pool.close();
await server.close();
await ds.close();
rmSync(dir, { recursive: true, force: true });
