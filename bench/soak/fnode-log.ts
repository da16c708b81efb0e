// What the server said about itself during the soak: its warnings and errors (pino JSON lines,
// level 40 and up) and any line that is not pino's, such as a Node warning or a crash.
import { readFileSync } from 'node:fs';

export interface LogSummary {
  warnings: number;
  errors: number;
  /** Lines that are not JSON. */
  other: number;
  /** The most frequent warning, error and other messages, with their counts. */
  top: [string, number][];
}

export function summarizeLog(path: string, topN = 8): LogSummary {
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  let warnings = 0;
  let errors = 0;
  let other = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let entry: { level?: number; msg?: string; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      other++;
      count(`(not JSON) ${line.slice(0, 160)}`);
      continue;
    }
    const level = entry.level ?? 0;
    if (level < 40) continue;
    if (level >= 50) errors++;
    else warnings++;
    const err = entry.err?.message ? `: ${entry.err.message}` : '';
    count(`${level >= 50 ? 'error' : 'warn'} ${entry.msg ?? ''}${err}`.slice(0, 200));
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, topN);
  return { warnings, errors, other, top };
}
