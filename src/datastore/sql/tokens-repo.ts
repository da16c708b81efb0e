import type { Kysely, Selectable } from 'kysely';
import { fail, newId, now, type Token, type TokenScope } from '../../models/index.js';
import type { NewToken } from '../datastore.js';
import type { Database, TokensTable } from './schema.js';

function toToken(row: Selectable<TokensTable>): Token {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope as TokenScope,
    ...(row.app_id !== null && { app_id: row.app_id }),
    created_at: row.created_at,
    ...(row.expires_at !== null && { expires_at: row.expires_at }),
    ...(row.last_used_at !== null && { last_used_at: row.last_used_at }),
  };
}

export class TokensRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(input: NewToken): Promise<Token> {
    const row: TokensTable = {
      id: newId(),
      name: input.name,
      scope: input.scope,
      app_id: input.app_id ?? null,
      hash: input.hash,
      created_at: now(),
      expires_at: input.expires_at ?? null,
      last_used_at: null,
    };
    await this.db.insertInto('tokens').values(row).execute();
    return toToken(row);
  }

  async byHash(hash: string): Promise<Token | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  /** Every token, oldest first: an installation has a handful, not pages of them. */
  async list(): Promise<Token[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().orderBy('id').execute();
    return rows.map(toToken);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async remove(id: string): Promise<void> {
    const result = await this.db.deleteFrom('tokens').where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) fail('TokenNotFound');
  }

  async markUsed(ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('tokens').set({ last_used_at: at }).where('id', 'in', ids).execute();
  }
}
