// The rows of the bench's tables, each with its ratio to a floor and the target.
import { printTable } from '../stats.js';
import type { Measured } from './load.js';

export interface Row {
  label: string;
  m?: Measured;
  /** Hot containers of the fn at the end of the step (docker ps, by label). */
  hot?: number;
  vsFloor?: string;
  target?: string;
  /** undefined: no target, or not measurable (then `na` says why). */
  ok?: boolean;
  na?: string;
}

export const verdict = (ok: boolean | undefined, na?: string): string =>
  na ? 'n/a' : ok === undefined ? '' : ok ? 'PASS' : 'FAIL';

/** `62 % req/s, +0.210 ms p50` */
export function vsFloor(ours: Measured, floor: Measured): string {
  const added = ours.p50 - floor.p50;
  return `${((100 * ours.rate) / floor.rate).toFixed(0)} % req/s, ${added >= 0 ? '+' : ''}${added.toFixed(3)} ms p50`;
}

export function printRows(title: string, rows: Row[]): void {
  console.log(`\n${title}\n`);
  printTable(
    ['row', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'hot', 'vs floor', 'target', 'result'],
    rows.map((r) => [
      r.label,
      r.m?.rate ?? '',
      r.m?.p50 ?? '',
      r.m?.p99 ?? '',
      r.m ? String(r.m.errors) : '',
      r.hot === undefined ? '' : String(r.hot),
      r.na ?? r.vsFloor ?? '',
      r.target ?? '',
      verdict(r.ok, r.na),
    ]),
  );
}

export interface Figure {
  label: string;
  value: number | string;
  target?: string;
  ok?: boolean;
  na?: string;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n${title}\n`);
  printTable(
    ['figure', 'value', 'target', 'result'],
    figures.map((f) => [f.label, f.na ?? f.value, f.target ?? '', verdict(f.ok, f.na)]),
  );
}

export const median = (xs: number[]): number =>
  xs.length === 0 ? Number.NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
