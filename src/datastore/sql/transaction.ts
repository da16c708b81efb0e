import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { isRetryable } from './sql-errors.js';

const MAX_ATTEMPTS = 3;

/** Runs `work` in a transaction, again if the database chose it as a deadlock victim. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
    }
  }
}
