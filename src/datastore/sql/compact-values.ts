import type { StatsPoint } from '../../models/index.js';

/**
 * Compact forms of a call's times and stats (issue 18: bytes per call). Each is used only when
 * it reads back exactly; anything else is stored as before (ISO text, JSON), and both forms read.
 */

const DELTA = /^[+-]\d+$/;

/** A time as milliseconds after `created` (`+36`), when both are ISO times to the millisecond. */
export function encodeTimeAfter(created: string, t: string | undefined): string | null {
  if (t === undefined) return null;
  const base = Date.parse(created);
  const at = Date.parse(t);
  if (!Number.isFinite(base) || !Number.isFinite(at)) return t;
  const delta = at - base;
  const encoded = delta >= 0 ? `+${delta}` : String(delta);
  return decodeTimeAfter(created, encoded) === t ? encoded : t;
}

export function decodeTimeAfter(created: string, v: string | null): string | undefined {
  if (v === null) return undefined;
  // An ISO time always has a `T`: a bare signed integer is a delta.
  if (!DELTA.test(v)) return v;
  return new Date(Date.parse(created) + Number(v)).toISOString();
}

/** The metrics of a Docker stats sample (stats-sample.ts), in their order. */
const METRICS = [
  'net_rx',
  'net_tx',
  'mem_limit',
  'mem_usage',
  'disk_read',
  'disk_write',
  'cpu_user',
  'cpu_total',
  'cpu_kernel',
] as const;
const METRIC_LIST = METRICS.join(',');
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;

/**
 * Stats as `~<point>;<point>…`, a point being `<seconds after created>[.<fraction as given>]`
 * and its values in METRICS order: `~-1.238844724,0,0,134217728,10944512,0,0,0,0,0` instead of
 * 196 bytes of JSON. Other shapes stay JSON.
 */
export function encodeStats(created: string, stats: StatsPoint[] | undefined): string | null {
  if (stats === undefined) return null;
  const json = JSON.stringify(stats);
  const base = Math.floor(Date.parse(created) / 1000);
  if (stats.length === 0 || !Number.isFinite(base)) return json;
  const points: string[] = [];
  for (const p of stats) {
    const m = STAMP.exec(typeof p.timestamp === 'string' ? p.timestamp : '');
    if (!m || Object.keys(p.metrics ?? {}).join(',') !== METRIC_LIST) return json;
    const delta = Date.parse(`${m[1]}Z`) / 1000 - base;
    if (!Number.isInteger(delta)) return json;
    const values = METRICS.map((k) => p.metrics[k]);
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) return json;
    points.push([`${delta}${m[2] === undefined ? '' : `.${m[2]}`}`, ...values].join(','));
  }
  const compact = `~${points.join(';')}`;
  return JSON.stringify(decodeStats(created, compact)) === json ? compact : json;
}

export function decodeStats(created: string, v: string | null): StatsPoint[] | undefined {
  if (v === null) return undefined;
  if (!v.startsWith('~')) return JSON.parse(v) as StatsPoint[];
  const base = Math.floor(Date.parse(created) / 1000);
  return v
    .slice(1)
    .split(';')
    .map((point) => {
      const [at = '', ...values] = point.split(',');
      const [secs = '0', fraction] = at.split('.');
      const second = new Date((base + Number(secs)) * 1000).toISOString().slice(0, 19);
      const metrics: Record<string, number> = {};
      METRICS.forEach((k, i) => {
        metrics[k] = Number(values[i]);
      });
      return { timestamp: `${second}${fraction === undefined ? '' : `.${fraction}`}Z`, metrics };
    });
}
