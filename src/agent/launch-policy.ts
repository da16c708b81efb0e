import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { SlotQueue } from './slot-queue.js';

/** How long a ready callback waits for fnode's own event loop: the server's queueing, not the function's. */
export interface LoadProbe {
  /** Recent mean event-loop delay in ms. */
  loopDelayMs(): number;
  /**
   * Recent share of time fnode's own thread ran on a core (0-1): high when fnode itself is the
   * bottleneck. Time spent waiting for a core (a host starved by other processes) is not counted.
   */
  utilization(): number;
  /** Recent idle CPU of the whole host, in cores (2 = two cores idle). */
  idleCores(): number;
  close(): void;
}

/** Busy and total CPU time of the host so far (any unit): /proc/stat on Linux, else os.cpus(). */
function hostCpuTimes(): { idle: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'latin1').slice(0, 256).split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are time a core had nothing to run.
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    if (total > 0) return { idle: (f[3] ?? 0) + (f[4] ?? 0), total };
  } catch {
    // Not Linux: the portable, slower way.
  }
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total };
}

/**
 * CPU time, in ms, the calling thread has had so far: Linux's schedstat (nanoseconds on a core),
 * else the whole process's user and system time.
 */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/schedstat', 'latin1');
    const ns = Number(stat.slice(0, stat.indexOf(' ')));
    if (Number.isFinite(ns)) return ns / 1e6;
  } catch {
    // Not Linux: the process's time, other threads' included.
  }
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Mean event-loop delay, the share of time fnode's thread ran, and the host's idle cores, over
 * the last full window (100 ms by default: a load that begins must show before the first
 * waiting calls ask for containers).
 *
 * The thread's time on a core, not its event-loop utilization: on a host whose cores other
 * processes take (containers starting, say), the loop is "busy" while it waits for a core,
 * and that utilization stayed above a half with fnode itself using a tenth of a core. The policy
 * then took fnode for the bottleneck, and a slow function's calls queued for seconds with no
 * container starting.
 */
export class EventLoopProbe implements LoadProbe {
  private readonly histogram = monitorEventLoopDelay({ resolution: 5 });
  private last = 0;
  private busy = 0;
  private wallAt = performance.now();
  private threadCpu = threadCpuMs();
  private cpu = hostCpuTimes();
  private readonly cores = Math.max(1, cpus().length);
  private idle: number;
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs = 100) {
    this.histogram.enable();
    this.idle = this.cores;
    this.timer = setInterval(() => {
      const cpu = hostCpuTimes();
      const total = cpu.total - this.cpu.total;
      if (total > 0) this.idle = (this.cores * (cpu.idle - this.cpu.idle)) / total;
      this.cpu = cpu;
      const mean = this.histogram.mean;
      // The histogram counts the sampling interval in each delay.
      this.last = Number.isFinite(mean) ? Math.max(0, mean / 1e6 - 5) : 0;
      this.histogram.reset();
      const wallAt = performance.now();
      const threadCpu = threadCpuMs();
      const wall = wallAt - this.wallAt;
      if (wall > 0) this.busy = Math.min(1, Math.max(0, (threadCpu - this.threadCpu) / wall));
      this.wallAt = wallAt;
      this.threadCpu = threadCpu;
    }, windowMs);
    this.timer.unref();
  }

  loopDelayMs(): number {
    return this.last;
  }

  utilization(): number {
    return this.busy;
  }

  idleCores(): number {
    return this.idle;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

export interface LaunchPolicyOptions {
  /** The longest a call waits for a busy container of its fn before another one starts. */
  graceMs: number;
  probe: LoadProbe;
  now?: () => number;
}

/** A call shorter than this is bounded by the server, never by one container. */
const MIN_SERVICE_MS = 1;
/**
 * Calls shorter than this may be slow only because the host's CPU is taken (a fast function's
 * few hundred µs stretch to a few ms when its container, fnode and the clients share the cores,
 * and while a fresh container's runtime warms up): they scale out only onto a spare core, and
 * only once a call has waited the whole grace.
 */
const SLOW_SERVICE_MS = 10;
/** Idle CPU, in cores, for another container of a fast function to be worth starting. */
const SPARE_CORE = 0.8;
/** Containers are the bottleneck when a call spends this many times the loop delay in one... */
const LOOP_FACTOR = 4;
/**
 * ...or whenever fnode's own loop has room: its delay then comes from other processes on the
 * machine (a CPU-starved host), not from calls queueing for fnode.
 */
const BUSY_LOOP = 0.5;

/**
 * Decides when waiting calls need another container. A container is started only when the
 * containers are what the calls wait for: their calls take 1 ms or more and, when fnode's own
 * event loop is busy, long compared with its delay (under load, a fast function's calls queue
 * for the server, and another container would only take CPU from it). Calls under 10 ms also
 * need a spare core on the host and a call that has waited the whole grace. A slow function's
 * call waits at most its service time, and never longer than the grace, before a container
 * starts for it: slow functions scale out, whatever else runs on the host.
 */
export class LaunchPolicy {
  readonly now: () => number;

  constructor(private readonly opts: LaunchPolicyOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** How long a call may wait for a busy container of `q` before a launch is considered. */
  patienceMs(q: SlotQueue): number {
    if (q.serviceMs < SLOW_SERVICE_MS) return this.opts.graceMs;
    return Math.min(this.opts.graceMs, q.serviceMs);
  }

  /** How many of `q`'s waiting calls warrant a container now (those already starting included). */
  demand(q: SlotQueue): number {
    if (this.opts.graceMs === 0) return q.waiters.length;
    const now = this.now();
    if (!this.containersAreBottleneck(q, now)) return 0;
    const cutoff = now - this.patienceMs(q);
    let overdue = 0;
    for (const w of q.waiters) if (w.since <= cutoff) overdue++;
    // A fast fn gets one container at a time: its calls show whether it helped once it is warm.
    return this.serviceMs(q, now) < SLOW_SERVICE_MS ? Math.min(overdue, q.capacity) : overdue;
  }

  /**
   * The function's own time per call (SlotQueue.recordService) or, until a call has ended, how
   * long every full container has been on its newest call: a slow fn scales out before its first
   * call ends. Once calls have ended, one slow call in progress says more about the host (a
   * stalled loop, a starved CPU) than about the function.
   */
  serviceMs(q: SlotQueue, now = this.now()): number {
    if (q.serviceMs > 0) return q.serviceMs;
    let running = Number.POSITIVE_INFINITY;
    for (const hc of q.all) if (hc.full) running = Math.min(running, now - hc.lastCallAt);
    return Number.isFinite(running) ? running : 0;
  }

  containersAreBottleneck(q: SlotQueue, now = this.now()): boolean {
    const service = this.serviceMs(q, now);
    if (service < MIN_SERVICE_MS) return false;
    const probe = this.opts.probe;
    if (service < SLOW_SERVICE_MS && probe.idleCores() < SPARE_CORE) return false;
    return probe.utilization() < BUSY_LOOP || service >= LOOP_FACTOR * probe.loopDelayMs();
  }
}
