/** How results are written: aligned tables for people, JSON for scripts (`--output json`). */
export type OutputFormat = 'table' | 'json';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Writes `text` to stdout followed by a newline unless it already ends with one. */
export function println(text = ''): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Progress and notes for people: stderr, so stdout stays the result. */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  println(JSON.stringify(value, null, 2));
}

export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Columns separated by at least two spaces, like Fn's tabwriter output. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const grid = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => cell(c.value(r))))];
  const widths = columns.map((_, i) => Math.max(...grid.map((line) => (line[i] ?? '').length)));
  return grid
    .map((line) =>
      line
        .map((v, i) => (i === line.length - 1 ? v : v.padEnd((widths[i] ?? 0) + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** A list as a table, or as a JSON array of the whole items. */
export function printList<T>(format: OutputFormat, rows: readonly T[], columns: readonly Column<T>[]): void {
  if (format === 'json') printJson(rows);
  else println(formatTable(rows, columns));
}

/** One entity as `Key: value` lines for people (nested values as JSON), or as JSON. */
export function printRecord(format: OutputFormat, value: Record<string, unknown>): void {
  if (format === 'json') {
    printJson(value);
    return;
  }
  const keys = Object.keys(value);
  const width = Math.max(...keys.map((k) => k.length));
  println(keys.map((k) => `${`${k}:`.padEnd(width + 2)}${cell(value[k])}`).join('\n'));
}
