import type { StatsPoint } from '../../../models/index.js';

/** The parts of one message of Docker's stats stream (`GET /containers/{id}/stats`) we read. */
export interface DockerStats {
  read?: string;
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  memory_stats?: { usage?: number; limit?: number };
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  cpu_stats?: DockerCpuStats;
  precpu_stats?: DockerCpuStats;
}

interface DockerCpuStats {
  cpu_usage?: {
    total_usage?: number;
    usage_in_usermode?: number;
    usage_in_kernelmode?: number;
    percpu_usage?: number[] | null;
  };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/**
 * One sample in Fn's format (fn-contract §7, Fn's `cherryPick`): byte counters as they are,
 * `cpu_*` = Δusage / Δsystem × cores × 100 since the previous sample.
 */
export function toStatsPoint(s: DockerStats): StatsPoint {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op?.toLowerCase();
    if (op === 'read') read += e.value ?? 0;
    else if (op === 'write') write += e.value ?? 0;
  }
  const cpu = s.cpu_stats?.cpu_usage;
  const pre = s.precpu_stats?.cpu_usage;
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cores = s.cpu_stats?.online_cpus || cpu?.percpu_usage?.length || 1;
  const pct = (now: number | undefined, before: number | undefined) =>
    systemDelta > 0 ? Math.max(0, Math.trunc((((now ?? 0) - (before ?? 0)) / systemDelta) * cores * 100)) : 0;
  const at = s.read && !s.read.startsWith('0001-') ? s.read : new Date().toISOString();
  return {
    timestamp: at,
    metrics: {
      net_rx: rx,
      net_tx: tx,
      mem_limit: s.memory_stats?.limit ?? 0,
      mem_usage: s.memory_stats?.usage ?? 0,
      disk_read: read,
      disk_write: write,
      cpu_user: pct(cpu?.usage_in_usermode, pre?.usage_in_usermode),
      cpu_total: pct(cpu?.total_usage, pre?.total_usage),
      cpu_kernel: pct(cpu?.usage_in_kernelmode, pre?.usage_in_kernelmode),
    },
  };
}

/** Most points a call's series keeps (seed 001). */
export const MAX_STATS_POINTS = 240;

/**
 * Seed 001 / Fn's decimation: more than `max` points become `max` equal time windows, each the
 * average of its points' values and timestamps (empty windows are skipped).
 */
export function decimate(points: StatsPoint[], max = MAX_STATS_POINTS): StatsPoint[] {
  if (points.length <= max) return points;
  const times = points.map((p) => Date.parse(p.timestamp));
  const first = times[0] ?? 0;
  const span = (times[times.length - 1] ?? first) - first;
  const out: StatsPoint[] = [];
  let i = 0;
  for (let w = 0; w < max && i < points.length; w++) {
    const end = first + (span * (w + 1)) / max;
    let n = 0;
    let t = 0;
    const sums: Record<string, number> = {};
    while (i < points.length && ((times[i] ?? 0) <= end || w === max - 1)) {
      const p = points[i] as StatsPoint;
      t += times[i] ?? 0;
      for (const [k, v] of Object.entries(p.metrics)) sums[k] = (sums[k] ?? 0) + v;
      n++;
      i++;
    }
    if (n === 0) continue;
    for (const k of Object.keys(sums)) sums[k] = Math.round((sums[k] ?? 0) / n);
    out.push({ timestamp: new Date(Math.round(t / n)).toISOString(), metrics: sums });
  }
  return out;
}
