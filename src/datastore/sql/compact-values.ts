import type { StatsPoint } from '../../models/index.js';

/**
 * Compact forms of a call's times and stats (issue 18: bytes per call). Each is used only when
 * it reads back exactly; anything else is stored as before (ISO text, JSON), and both forms read.
 */

const DELTA = /^[+-]\d+$/;

/** A time as milliseconds after `created` (`+36`), when both are ISO times to the millisecond. */
export function encodeTimeAfter(created: string, t: string | undefined): string | null {
  if (t === undefined) return null;
  const quick = sameDayDelta(created, t);
  if (quick !== undefined) return quick >= 0 ? `+${quick}` : String(quick);
  const base = Date.parse(created);
  const at = Date.parse(t);
  if (!Number.isFinite(base) || !Number.isFinite(at)) return t;
  const delta = at - base;
  const encoded = delta >= 0 ? `+${delta}` : String(delta);
  return decodeTimeAfter(created, encoded) === t ? encoded : t;
}

/** The last date (`YYYY-MM-DDT`) found to be a real one: a record's times mostly share it. */
let checkedDay = '';

/**
 * Milliseconds from `a` to `b`, read from the digits, when both are `toISOString()` times of the
 * same day; undefined otherwise (then Date does it). Recording calls makes two of these per call.
 */
function sameDayDelta(a: string, b: string): number | undefined {
  if (
    a.length !== 24 ||
    b.length !== 24 ||
    !a.startsWith(a.slice(0, 11), 0) ||
    !b.startsWith(a.slice(0, 11))
  ) {
    return undefined;
  }
  const ta = msOfDay(a);
  const tb = msOfDay(b);
  if (ta === undefined || tb === undefined) return undefined;
  const day = a.slice(0, 11);
  if (day !== checkedDay) {
    if (new Date(Date.parse(`${day}00:00:00.000Z`)).toISOString().slice(0, 11) !== day) return undefined;
    checkedDay = day;
  }
  return tb - ta;
}

/** `HH:MM:SS.mmmZ` at offset 11 as milliseconds, when every field is in range. */
function msOfDay(t: string): number | undefined {
  if (t[13] !== ':' || t[16] !== ':' || t[19] !== '.' || t[23] !== 'Z') return undefined;
  const h = digits(t, 11, 2);
  const m = digits(t, 14, 2);
  const sec = digits(t, 17, 2);
  const ms = digits(t, 20, 3);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

/** The number of `n` decimal digits at `at`, or -1 (out of every range) for anything else. */
function digits(t: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
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

/** A sample's compact parts: its whole second (epoch), its fraction as written, its values. */
interface CompactPoint {
  second: number;
  rest: string;
}

/**
 * The calls a container serves between two of its stats samples (about one a second) share the
 * latest one: each sample is looked at once, and a call's record only adds its offset.
 */
const compactPoints = new WeakMap<StatsPoint, CompactPoint | null>();

/** A sample's compact parts, or null when it has no exact compact form. */
function compactPoint(p: StatsPoint): CompactPoint | null {
  let c = compactPoints.get(p);
  if (c !== undefined) return c;
  c = null;
  const m = STAMP.exec(typeof p.timestamp === 'string' ? p.timestamp : '');
  const values =
    m && Object.keys(p.metrics ?? {}).join(',') === METRIC_LIST ? METRICS.map((k) => p.metrics[k]) : [];
  const second = m ? Date.parse(`${m[1]}Z`) / 1000 : Number.NaN;
  if (
    m &&
    Number.isInteger(second) &&
    new Date(second * 1000).toISOString().slice(0, 19) === m[1] &&
    values.length === METRICS.length &&
    values.every((v) => typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0))
  ) {
    c = { second, rest: `${m[2] === undefined ? '' : `.${m[2]}`},${values.join(',')}` };
  }
  compactPoints.set(p, c);
  return c;
}

/**
 * Stats as `~<point>;<point>…`, a point being `<seconds after created>[.<fraction as given>]`
 * and its values in METRICS order: `~-1.238844724,0,0,134217728,10944512,0,0,0,0,0` instead of
 * 196 bytes of JSON. Other shapes stay JSON. A point reads back exactly: its second is the
 * created second plus the offset, its fraction is kept as text and its values are numbers as
 * JavaScript prints them (which parse back to the same numbers).
 */
export function encodeStats(created: string, stats: StatsPoint[] | undefined): string | null {
  if (stats === undefined) return null;
  const base = Math.floor(Date.parse(created) / 1000);
  if (stats.length === 0 || !Number.isFinite(base)) return JSON.stringify(stats);
  let out = '~';
  for (const [i, p] of stats.entries()) {
    const c = compactPoint(p);
    if (c === null) return JSON.stringify(stats);
    out += `${i === 0 ? '' : ';'}${c.second - base}${c.rest}`;
  }
  return out;
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
