import { fail } from './errors.js';
import { MaxTextBytes } from './limits.js';

/**
 * U+0000 is text no entity holds: PostgreSQL's `text` refuses it (it would fail the statement),
 * a process environment cannot carry it, a URL path cannot either. Bodies holding it do not
 * decode and route paths holding it are malformed, on every datastore alike, so a lookup key
 * holding it names nothing.
 */
export function hasNul(s: string | undefined): boolean {
  return s?.includes('\u0000') === true;
}

/** True when a string or a key anywhere in a JSON value holds U+0000 (walked without recursion). */
export function jsonHasNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (hasNul(v)) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        if (hasNul(k)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const wellFormed = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD');

/**
 * A parsed JSON value with every unpaired surrogate (from an escape such as `"\ud800"`) in its
 * strings and keys replaced by U+FFFD, as Go's decoder does, in place (walked without recursion).
 */
export function wellFormedJson(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  const pending: object[] = typeof value === 'object' && value !== null ? [value] : [];
  for (let o = pending.pop(); o !== undefined; o = pending.pop()) {
    const record = o as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'object' && v !== null) pending.push(v);
      const fixedKey = wellFormed(key);
      const fixed = typeof v === 'string' ? wellFormed(v) : v;
      if (fixedKey !== key) delete record[key];
      if (fixedKey !== key || fixed !== v) record[fixedKey] = fixed;
    }
  }
  return value;
}

/** `s` cut to at most `maxBytes` of UTF-8, on a character boundary. */
export function cutToBytes(s: string, maxBytes: number): string {
  if (s.length * 3 <= maxBytes || Buffer.byteLength(s) <= maxBytes) return s;
  let out = Buffer.from(s, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A character cut in two decodes as U+FFFD (3 bytes): drop it.
  while (Buffer.byteLength(out) > maxBytes || out.endsWith('\uFFFD')) out = out.slice(0, -1);
  return out;
}

/** Refuses free text over `MaxTextBytes` (413 Request content too large). */
export function checkTextSize(s: string | undefined): void {
  if (s === undefined || s.length * 3 <= MaxTextBytes) return;
  if (Buffer.byteLength(s) > MaxTextBytes) fail('RequestContentTooBig');
}

/** True when `s` holds an ASCII control character, which Go's url.Parse refuses in a path. */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
