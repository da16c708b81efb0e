import { fail } from './errors.js';
import { DefaultPerPage, MaxPerPage } from './limits.js';
import { hasNul } from './text.js';

/** Fn's per_page rule: missing, bad or <= 0 gives 30; more than 100 gives 100. */
export function clampPerPage(raw: string | number | undefined): number {
  const n = typeof raw === 'number' ? raw : raw === undefined || raw === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || n <= 0) return DefaultPerPage;
  return Math.min(Math.floor(n), MaxPerPage);
}

/** Cursors are base64url (no padding) of the last item's sort key. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** Decodes a cursor; a malformed one is the caller's fault (Fn answers 500 here, fnode 400). */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(cursor)) fail('InvalidCursor');
  const s = Buffer.from(cursor.replace(/=+$/, ''), 'base64url').toString('utf8');
  if (s.length === 0 || s.includes('\uFFFD') || hasNul(s)) fail('InvalidCursor');
  return s;
}
