import { createHash } from 'node:crypto';
import type { Page } from '../datastore.js';
import { encodeCursor } from '../../models/index.js';

/** Compact JSON for a TEXT column; an absent map is stored as `{}`. */
export function toJson(v: object | undefined): string {
  return JSON.stringify(v ?? {});
}

/** JSON for a nullable TEXT column. */
export function toJsonOrNull(v: unknown): string | null {
  return v === undefined ? null : JSON.stringify(v);
}

/** Parses a JSON map column; undefined when the map is empty or NULL. */
export function fromJsonMap<T extends object>(text: string | null): T | undefined {
  if (text === null || text === '') return undefined;
  const v = JSON.parse(text) as T;
  return Object.keys(v).length === 0 ? undefined : v;
}

/** sha256 hex: the short unique key of an unbounded string (trigger sources, route paths). */
export function hashKey(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Fn's page rule: a cursor to the last item only when the page is full. */
export function toPage<T>(items: T[], perPage: number, key: (item: T) => string): Page<T> {
  const last = items[items.length - 1];
  if (items.length < perPage || last === undefined) return { items };
  return { items, nextCursor: encodeCursor(key(last)) };
}
