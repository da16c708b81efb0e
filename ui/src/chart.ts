/**
 * The arithmetic of the dashboard's SVG charts: scales, ticks, paths, and a call's stats points
 * turned into series. Plain TypeScript, tested by test/ui/chart.test.ts.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  points: Point[];
  /** How its values read: `bytes`, `bytes/s`, `percent`, `count`. */
  unit: 'bytes' | 'bytes/s' | 'percent' | 'count';
}

/** A linear map from [d0, d1] to [r0, r1]; a domain of one value maps to the range's middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A step of 1, 2 or 5 times a power of ten giving about `count` ticks over [0, max]. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

/** Ticks from 0 to at least `max` by a nice step; the last tick is the axis' top. */
export function niceTicks(max: number, count = 4): number[] {
  const step = niceStep(max, count);
  const top = max > 0 ? Math.ceil(max / step - 1e-9) * step : step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** An SVG path through the points, in chart coordinates. */
export function linePath(points: Point[], sx: (v: number) => number, sy: (v: number) => number): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(sx(p.x))},${round(sy(p.y))}`).join(' ');
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The extent of the x values of every series (`[0, 0]` for none). */
export function xExtent(series: Series[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (const p of s.points) {
      lo = Math.min(lo, p.x);
      hi = Math.max(hi, p.x);
    }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

export function yMax(series: Series[]): number {
  let hi = 0;
  for (const s of series) for (const p of s.points) hi = Math.max(hi, p.y);
  return hi;
}

export interface StatsPoint {
  timestamp: string;
  metrics: Record<string, number>;
}

/**
 * A call's stats points (Fn's names: `cpu_user`, `cpu_total`, `cpu_kernel`, `mem_usage`,
 * `mem_limit`, `net_rx`, `net_tx`, `disk_read`, `disk_write`) as chart groups, x in seconds
 * since the first point. CPU is already a percentage of a core per sample; the cumulative
 * counters (network, disk) are shown as rates between points.
 */
export function statsSeries(stats: StatsPoint[] | undefined): { title: string; series: Series[] }[] {
  const pts = (stats ?? [])
    .map((p) => ({ t: Date.parse(p.timestamp), m: p.metrics }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  if (pts.length === 0) return [];
  const t0 = pts[0]!.t;
  const gauge = (name: string, key: string, unit: Series['unit']): Series => ({
    name,
    unit,
    points: pts.filter((p) => key in p.m).map((p) => ({ x: (p.t - t0) / 1000, y: p.m[key]! })),
  });
  const rate = (name: string, key: string): Series => {
    const points: Point[] = [];
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      const dt = (b.t - a.t) / 1000;
      const va = a.m[key];
      const vb = b.m[key];
      if (dt > 0 && va !== undefined && vb !== undefined) {
        points.push({ x: (b.t - t0) / 1000, y: Math.max(0, (vb - va) / dt) });
      }
    }
    return { name, unit: 'bytes/s', points };
  };
  const groups = [
    {
      title: 'CPU',
      series: [gauge('total', 'cpu_total', 'percent'), gauge('kernel', 'cpu_kernel', 'percent')],
    },
    { title: 'Memory', series: [gauge('used', 'mem_usage', 'bytes')] },
    { title: 'Network', series: [rate('received', 'net_rx'), rate('sent', 'net_tx')] },
    { title: 'Disk', series: [rate('read', 'disk_read'), rate('written', 'disk_write')] },
  ];
  return groups
    .map((g) => ({ ...g, series: g.series.filter((s) => s.points.length > 0) }))
    .filter((g) => g.series.length > 0);
}
