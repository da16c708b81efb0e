/**
 * Fn formats times as `2006-01-02T15:04:05.000Z07:00`; fnode keeps every time in UTC, so the
 * zone is always `Z`. Stored the same way, which sorts lexicographically by time.
 *
 * A call record takes three times and each call's request a deadline: the date and the hour
 * and minute are formatted once a minute (`Date#toISOString` costs about half a microsecond).
 */
export function formatTime(d: Date | number): string {
  const ms = typeof d === 'number' ? d : d.getTime();
  const prefix = minutePrefix(ms);
  if (prefix === undefined) return new Date(ms).toISOString();
  const rest = ms - minuteStart;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${prefix}${sec < 10 ? '0' : ''}${sec}.${milli < 100 ? (milli < 10 ? '00' : '0') : ''}${milli}Z`;
}

/** `2006-01-02T15:04:05Z`: whole seconds (Fn's `Fn-Deadline` header), rounded down. */
export function formatTimeSeconds(d: Date | number): string {
  const ms = typeof d === 'number' ? d : d.getTime();
  const prefix = minutePrefix(ms);
  if (prefix === undefined) return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const sec = Math.floor((ms - minuteStart) / 1000);
  return `${prefix}${sec < 10 ? '0' : ''}${sec}Z`;
}

export function now(): string {
  return formatTime(Date.now());
}

/** Fn's zero time, emitted for times never set. */
export const ZERO_TIME = '0001-01-01T00:00:00.000Z';

/** Year 10000: from there toISOString writes six-digit years. */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_800_000;
let minuteStart = Number.NaN;
let cachedPrefix = '';

/** `YYYY-MM-DDTHH:MM:` of `ms`'s minute (its start in `minuteStart`); undefined for odd times. */
function minutePrefix(ms: number): string | undefined {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= MAX_FOUR_DIGIT_YEAR_MS) return undefined;
  const start = ms - (ms % 60_000);
  if (start !== minuteStart) {
    cachedPrefix = new Date(start).toISOString().slice(0, 17);
    minuteStart = start;
  }
  return cachedPrefix;
}
