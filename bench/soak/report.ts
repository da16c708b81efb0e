// The soak's tables and its PASS/FAIL lines for the targets.
import { printTable } from '../stats.js';
import type { AsyncOutcome } from './async-final.js';
import { FigureLabels, type Figures } from './figures.js';
import type { LogSummary } from './fnode-log.js';
import type { Tally } from './tally.js';

/** RSS at the end may exceed its value after the warm-up by this fraction. */
export const RSS_GROWTH = 0.15;
/** Descriptors the end may have over the warm-up: a connection or a container's socket in flight. */
export const FD_SLACK = 5;

export interface Stop {
  code: number | null;
  signal: string | null;
  ms: number;
  /** Containers of the tag, in any state, once the server has exited. */
  leftContainers: number;
}

export function printFigures(start: Figures, end: Figures): void {
  const rows = (Object.keys(FigureLabels) as (keyof Figures)[]).map((k) => {
    const [label, digits] = FigureLabels[k];
    const change = end[k] - start[k];
    const pct = start[k] > 0 ? ` (${signed((change / start[k]) * 100, 1)} %)` : '';
    return [label, start[k].toFixed(digits), end[k].toFixed(digits), `${signed(change, digits)}${pct}`];
  });
  printTable(['figure', 'after warm-up', 'end of load', 'change'], rows);
}

export function printCalls(tally: Tally): void {
  printTable(
    ['calls', 'count', 'expected', 'as expected', 'other outcomes', 'p50 ms', 'p99 ms'],
    tally.rows(),
  );
}

export function printAsync(accepted: number, out: AsyncOutcome): void {
  const list = (m: Map<string, number>) => [...m].map(([s, n]) => `${s} ${n}`).join(', ') || 'none';
  console.log(
    `async calls accepted: ${accepted}; final: ${list(out.statuses)}; not final: ${list(out.pending)}`,
  );
}

export function printLog(path: string, log: LogSummary): void {
  console.log(
    `fnode's log (kept at ${path}): ${log.errors} errors, ${log.warnings} warnings, ${log.other} other lines`,
  );
  for (const [msg, n] of log.top) console.log(`  ${String(n).padStart(6)}  ${msg}`);
}

/** Prints a PASS or FAIL line per target; true when all pass. */
export function printTargets(
  start: Figures,
  end: Figures,
  stop: Stop,
  accepted: number,
  out: AsyncOutcome,
): boolean {
  const final = [...out.statuses.values()].reduce((a, b) => a + b, 0);
  const rssPct = ((end.rssMiB - start.rssMiB) / start.rssMiB) * 100;
  const exit = stop.signal ? `killed by ${stop.signal}` : `exit code ${stop.code}`;
  const targets: [boolean, string][] = [
    [
      end.rssMiB <= start.rssMiB * (1 + RSS_GROWTH),
      `RSS at the end within ${RSS_GROWTH * 100} % of its value after warm-up: ${start.rssMiB.toFixed(1)} -> ${end.rssMiB.toFixed(1)} MiB (${signed(rssPct, 1)} %)`,
    ],
    [
      end.openFds <= start.openFds + FD_SLACK,
      `no growth in open file descriptors (slack +${FD_SLACK}): ${start.openFds} -> ${end.openFds}`,
    ],
    [
      stop.leftContainers === 0,
      `no container left after SIGTERM: ${stop.leftContainers} left (${exit} after ${(stop.ms / 1000).toFixed(1)} s)`,
    ],
    [
      final === accepted,
      `every accepted async call final: ${final} of ${accepted} within ${(out.waitedMs / 1000).toFixed(1)} s of the load's end`,
    ],
  ];
  for (const [ok, text] of targets) console.log(`${ok ? 'PASS' : 'FAIL'} ${text}`);
  return targets.every(([ok]) => ok);
}

const signed = (n: number, digits: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
