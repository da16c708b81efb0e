// Run by load-probe.test.ts, pinned to one core: busy-waits BUSY_MS of wall time on its event
// loop, then prints what the launch policy's probe made of that span beside two measures of the
// same span: the process's CPU time and Node's event-loop utilization.
import { performance } from 'node:perf_hooks';
import { EventLoopProbe } from '../../src/agent/launch-policy.js';

const BUSY_MS = Number(process.argv[2] ?? 400);
const WINDOW_MS = 50;

const probe = new EventLoopProbe(WINDOW_MS);
// A tick of the probe first, so that its next window starts about when the busy span does.
await new Promise((resolve) => setTimeout(resolve, WINDOW_MS * 2 + 10));
const elu = performance.eventLoopUtilization();
const cpu = process.cpuUsage();
const start = performance.now();
while (performance.now() - start < BUSY_MS) {
  // Spinning: the loop is busy for the whole span, whether or not the thread has a core.
}
const wall = performance.now() - start;
const cpuShare = (() => {
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / wall;
})();
const eluShare = performance.eventLoopUtilization(elu).utilization;
// The probe's window that holds the span ends at its first tick after it.
await new Promise((resolve) => setTimeout(resolve, 1));
process.stdout.write(`${JSON.stringify({ probe: probe.utilization(), cpuShare, eluShare })}\n`);
probe.close();
