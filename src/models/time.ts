/**
 * Fn formats times as `2006-01-02T15:04:05.000Z07:00`; fnode keeps every time in UTC, so the
 * zone is always `Z`. Stored the same way, which sorts lexicographically by time.
 */
export function formatTime(d: Date | number): string {
  return new Date(d).toISOString();
}

export function now(): string {
  return new Date().toISOString();
}

/** Fn's zero time, emitted for times never set. */
export const ZERO_TIME = '0001-01-01T00:00:00.000Z';
