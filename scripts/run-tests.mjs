#!/usr/bin/env node
// Runs every test file under test/ (or those given) with Node's built-in runner through tsx,
// and ends with a `N passed, N failed` line for CI.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

const files = process.argv.length > 2 ? process.argv.slice(2) : find('test').sort();
const concurrency = process.env.FNODE_TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
);
let pass = 0;
let fail = 0;
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const p = /ℹ pass (\d+)/.exec(tail);
  const f = /ℹ fail (\d+)/.exec(tail);
  pass = p ? Number(p[1]) : 0;
  fail = f ? Number(f[1]) : code === 0 ? 0 : 1;
  console.log(`${pass} passed, ${fail} failed`);
  process.exit(code ?? 1);
});
