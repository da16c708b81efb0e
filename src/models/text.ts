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

/** True when `s` holds an ASCII control character, which Go's url.Parse refuses in a path. */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
