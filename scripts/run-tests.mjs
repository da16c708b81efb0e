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
    // The summary's `ℹ pass N` lines, read as they stream by: after failures the runner lists
    // them below the summary, so the output's end need not hold it.
    const counts = {};
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ℹ (pass|fail|skipped|todo) (\d+)$/.exec(line.trim());
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    child.on('close', (code) => {
      resolve({
        code: code ?? 1,
        pass: counts.pass ?? 0,
        fail: counts.fail ?? (code === 0 ? 0 : 1),
        skipped: (counts.skipped ?? 0) + (counts.todo ?? 0),
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
