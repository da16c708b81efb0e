#!/usr/bin/env node
// Runs every test file under test/ (or those given) with Node's built-in runner through tsx,
// and ends with a `N passed, N failed` line for CI. Files under test/faults/ stop and start
// shared services (Docker, PostgreSQL, Redis): they run after the others, one at a time.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Runs `files` in one `node --test`; resolves its exit code and its pass/fail counts. */
function run(files, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
      { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const p = /ℹ pass (\d+)/.exec(tail);
      const f = /ℹ fail (\d+)/.exec(tail);
      const s = /ℹ skipped (\d+)/.exec(tail);
      const t = /ℹ todo (\d+)/.exec(tail);
      resolve({
        code: code ?? 1,
        pass: p ? Number(p[1]) : 0,
        fail: f ? Number(f[1]) : code === 0 ? 0 : 1,
        skipped: (s ? Number(s[1]) : 0) + (t ? Number(t[1]) : 0),
      });
    });
  });
}

const files = process.argv.length > 2 ? process.argv.slice(2) : find('test').sort();
const isFault = (f) => f.split(sep).includes('faults');
const phases = [
  [files.filter((f) => !isFault(f)), process.env.FNODE_TEST_CONCURRENCY ?? '2'],
  [files.filter(isFault), '1'],
].filter(([fs]) => fs.length > 0);
let pass = 0;
let fail = 0;
let skipped = 0;
let code = 0;
for (const [fs, concurrency] of phases) {
  const r = await run(fs, concurrency);
  pass += r.pass;
  fail += r.fail;
  skipped += r.skipped;
  if (r.code !== 0) code = r.code;
}
// A skipped test proves nothing: under CI (where every service must be there) it fails the run.
console.log(
  `${skipped} skipped${skipped > 0 && process.env.CI === 'true' ? ' (counted as failed under CI=true)' : ''}`,
);
if (process.env.CI === 'true' && skipped > 0) {
  fail += skipped;
  code ||= 1;
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(code);
