// Hostile input at volume (issue 13 item 9): the properties of test/security/hostile-input.test.ts
// (test/security/api-properties.ts) with a random seed and many more runs, against a whole fnode.
// FUZZ_SEED replays a run (the seed is printed first); FUZZ_RUNS: runs per property (default
// 2000; the edit-then-call property gets half). FUZZ_DB: sqlite (default), postgres or mariadb
// (a fresh database on the test servers of test/helpers/databases.ts). A failure prints
// fast-check's report (seed, path and the shrunk request) and the exit code is 1.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FreshDatabase, freshMysqlDatabase, freshPgDatabase } from '../test/helpers/databases.js';
import { dockerAvailable, startTestFnode } from '../test/helpers/fnode.js';
import {
  assertStillServing,
  closesInTime,
  concurrentProperty,
  createFixtures,
  editThenCallProperty,
  type FuzzTarget,
  PROPERTY_FAMILIES,
  propertyOf,
  snapshotOf,
  writeThenReadProperty,
} from '../test/security/api-properties.js';
import { printTable } from './stats.js';

const seed = process.env['FUZZ_SEED']
  ? Number(process.env['FUZZ_SEED'])
  : Math.floor(Math.random() * 2 ** 31);
const runs = Number(process.env['FUZZ_RUNS'] ?? 2000);
const dbKind = process.env['FUZZ_DB'] ?? 'sqlite';
console.log(`fuzz: seed ${seed} (FUZZ_SEED=${seed} replays it), ${runs} runs per property, ${dbKind}`);

let db: FreshDatabase | undefined;
if (dbKind === 'postgres') db = await freshPgDatabase('fnode_fuzz');
else if (dbKind === 'mariadb') db = await freshMysqlDatabase('fnode_fuzz');
else if (dbKind !== 'sqlite') throw new Error(`FUZZ_DB: sqlite, postgres or mariadb, not ${dbKind}`);

const docker = dockerAvailable();
const fnode = await startTestFnode(db ? { FN_DB_URL: db.url } : {});
const fixtures = await createFixtures(fnode.url);
const target: FuzzTarget = { url: fnode.url, port: Number(new URL(fnode.url).port), fixtures };
const before = await snapshotOf(fnode.url, fixtures.keep);

let failures = 0;
const rows: (string | number)[][] = [];
async function check<Ts>(name: string, property: fc.IAsyncPropertyWithHooks<Ts>, numRuns: number) {
  const t0 = performance.now();
  const details = await fc.check(property, { seed, numRuns });
  const secs = (performance.now() - t0) / 1000;
  const perRun = (secs * 1000) / Math.max(1, details.numRuns);
  rows.push([name, String(details.numRuns), secs, perRun, details.failed ? 'FAIL' : 'ok']);
  if (!details.failed) return;
  failures++;
  console.log(`\n${name}:\n${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}\n`);
}

for (const { name, families } of PROPERTY_FAMILIES) await check(name, propertyOf(target, families), runs);
await check('an edit, then a call through it', editThenCallProperty(target), Math.ceil(runs / 2));
await check('a write, then a read of it', writeThenReadProperty(target), Math.ceil(runs / 2));
await check('requests of every kind at once', concurrentProperty(target), Math.ceil(runs / 10));

try {
  await assertStillServing(fnode.url, fixtures.keep, docker);
  assert.deepEqual(await snapshotOf(fnode.url, fixtures.keep), before);
  rows.push(['still serving, kept data intact', '', '', '', 'ok']);
} catch (err) {
  failures++;
  rows.push(['still serving, kept data intact', '', '', '', 'FAIL']);
  console.log(err);
}

try {
  await closesInTime(() => fnode.stop());
  rows.push(['closes in time', '', '', '', 'ok']);
} catch (err) {
  failures++;
  rows.push(['closes in time', '', '', '', 'FAIL']);
  console.log(err);
}

printTable(['property', 'runs', 'seconds', 'ms per run', 'result'], rows);
console.log(`seed ${seed}: ${failures === 0 ? 'every property held' : `${failures} failed`}`);
await db?.drop();
process.exit(failures === 0 ? 0 : 1);
