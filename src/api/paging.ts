import type { Page, PageRequest } from '../datastore/index.js';
import { clampPerPage, decodeCursor } from '../models/index.js';
import type { ListQuery, ListResponse } from './bodies.js';
import { defined } from './body-fields.js';

/**
 * Fn clamps `per_page` (never an error) and answers a bad cursor with a 500; fnode rejects a
 * cursor that does not decode with a 400 before any lookup.
 */
export function pageRequest(q: ListQuery): PageRequest {
  const cursor = q.cursor || undefined;
  decodeCursor(cursor);
  return defined({ cursor, perPage: clampPerPage(q.per_page) });
}

export function listResponse<T>(page: Page<T>, items: T[] = page.items): ListResponse<T> {
  return page.nextCursor ? { items, next_cursor: page.nextCursor } : { items };
}

export const emptyList = <T>(): ListResponse<T> => ({ items: [] });
