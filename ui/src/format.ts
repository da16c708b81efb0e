/** Formatters for the dashboard's numbers. Plain TypeScript, tested by test/ui/format.test.ts. */

/** Milliseconds as `850 ms`, `1.25 s`, `2 min 5 s`. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A call's `execution_duration` (nanoseconds) as a duration. */
export function formatNs(ns: number | undefined): string {
  return ns === undefined ? '–' : formatMs(ns / 1e6);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes in binary units: `512 B`, `1.5 KiB`, `12 MiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(Math.round(v)) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  return `${n < 0 ? '-' : ''}${s} ${UNITS[i]}`;
}

/** A rate as a percentage with one decimal, `0 %` for none. */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return '0 %';
  const p = ratio * 100;
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)} %`;
}

/** Calls per second, with more digits for small rates. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec <= 0) return '0/s';
  if (perSec < 0.1) return `${perSec.toFixed(3)}/s`;
  if (perSec < 10) return `${perSec.toFixed(2)}/s`;
  return `${Math.round(perSec)}/s`;
}

/** How long ago a time was, from `now` (both epoch ms): `12 s ago`, `3 min ago`, `2 h ago`. */
export function formatAgo(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A call's duration: `execution_duration`, else from its start and completion times. */
export function callDurationMs(call: {
  execution_duration?: number;
  started_at?: string;
  completed_at?: string;
}): number | undefined {
  if (call.execution_duration !== undefined) return call.execution_duration / 1e6;
  if (call.started_at && call.completed_at)
    return Date.parse(call.completed_at) - Date.parse(call.started_at);
  return undefined;
}
