// CPU time spent per call by each party of a load step, from the kernel's accounting: robust to
// a shared machine where wall-clock rates swing with other people's work.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** clock ticks of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

function processMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** A process and its descendants (a cluster's primary and workers). */
function tree(pid: number): number[] {
  let children: string[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    // none
  }
  return [pid, ...children.flatMap((c) => tree(Number(c)))];
}

function containerIds(tags: string[]): string[] {
  return tags.flatMap((t) =>
    execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', `label=fnode.tag=${t}`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean),
  );
}

/** A container's CPU time from its cgroup (v1 cpuacct, or v2 cpu.stat); NaN when not found. */
function containerMs(id: string): number {
  const tries: [string, (s: string) => number][] = [
    [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, (s) => Number(s) / 1e6],
    [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, usageUsec],
    [`/sys/fs/cgroup/docker/${id}/cpu.stat`, usageUsec],
  ];
  for (const [path, parse] of tries) {
    try {
      return parse(readFileSync(path, 'utf8'));
    } catch {
      // next layout
    }
  }
  return Number.NaN;
}

const usageUsec = (s: string) => Number(/^usage_usec (\d+)/m.exec(s)?.[1]) / 1000;

const machineMs = () =>
  cpus().reduce(
    (a, c) => ({
      busy: a.busy + c.times.user + c.times.nice + c.times.sys + c.times.irq,
      all: a.all + c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle,
    }),
    { busy: 0, all: 0 },
  );

export interface CpuSnapshot {
  server: Map<number, number>;
  containers: Map<string, number>;
  client: NodeJS.CpuUsage;
  machine: { busy: number; all: number };
  at: number;
}

/** `pid`: the server's process; `tags`: its container label tags; the client is this process. */
export function snapshot(pid: number, tags: string[]): CpuSnapshot {
  return {
    server: new Map(tree(pid).map((p) => [p, processMs(p)])),
    containers: new Map(containerIds(tags).map((id) => [id, containerMs(id)])),
    client: process.cpuUsage(),
    machine: machineMs(),
    at: performance.now(),
  };
}

export interface CpuSpent {
  serverMs: number;
  containersMs: number;
  clientMs: number;
  /** Cores busy with anything else meanwhile (other people's work on a shared machine). */
  otherCores: number;
}

export function spentSince(before: CpuSnapshot, pid: number, tags: string[]): CpuSpent {
  const after = snapshot(pid, tags);
  let serverMs = 0;
  for (const [p, ms] of after.server) serverMs += ms - (before.server.get(p) ?? 0);
  let containersMs = 0;
  // A container removed meanwhile has no cgroup left to read: its last moments are not counted.
  for (const [id, ms] of after.containers) {
    if (!Number.isNaN(ms)) containersMs += ms - (before.containers.get(id) ?? 0);
  }
  const c = process.cpuUsage(before.client);
  const clientMs = (c.user + c.system) / 1000;
  const busyMs = after.machine.busy - before.machine.busy;
  const otherCores = (busyMs - serverMs - containersMs - clientMs) / (after.at - before.at);
  return { serverMs, containersMs, clientMs, otherCores };
}

/** Share of the machine idle over `ms`. */
export async function idleShare(ms: number): Promise<number> {
  const a = machineMs();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineMs();
  return 1 - (b.busy - a.busy) / (b.all - a.all);
}
