import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./probe-child.ts', import.meta.url));
const linux = process.platform === 'linux';

/** The first CPU this process may run on (a CI container may be limited to some). */
function firstAllowedCpu(): string {
  const line = readFileSync('/proc/self/status', 'latin1')
    .split('\n')
    .find((l) => l.startsWith('Cpus_allowed_list:'));
  return line?.split(':')[1]?.trim().split(/[-,]/)[0] ?? '0';
}

/** Resolves once `pid` has had CPU time: the hog is spinning, not still starting. */
async function spinning(pid: number): Promise<void> {
  for (;;) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
    // utime is field 14 of stat, the 12th after the command's closing parenthesis.
    if (Number(fields[11]) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the launch policy's load probe", { skip: !linux && 'reads Linux /proc' }, () => {
  let hog: ChildProcess | undefined;
  after(() => {
    hog?.kill('SIGKILL');
  });

  it("counts the time fnode's thread runs, not the time its loop waits for a core held by another process", async () => {
    const cpu = firstAllowedCpu();
    // Another process spinning on the same core: the child gets about half of it.
    hog = spawn('taskset', ['-c', cpu, process.execPath, '-e', 'for (;;) {}'], { stdio: 'ignore' });
    await spinning(hog.pid!);
    const { stdout } = await run('taskset', ['-c', cpu, process.execPath, '--import', 'tsx', CHILD, '400']);
    const seen = JSON.parse(stdout) as { probe: number; cpuShare: number; eluShare: number };
    // The loop was busy the whole span: utilization counts the waits for the core as work.
    assert.ok(seen.eluShare > 0.9, `event-loop utilization ${seen.eluShare}`);
    // The thread ran only part of it, and the probe says so.
    assert.ok(seen.cpuShare < 0.75, `the busy span had ${seen.cpuShare} of a core`);
    assert.ok(seen.probe < 0.75, `probe ${seen.probe}`);
    assert.ok(Math.abs(seen.probe - seen.cpuShare) < 0.2, JSON.stringify(seen));
  });
});
