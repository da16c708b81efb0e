import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatastore, type Datastore, type NewRoute } from '../../src/datastore/index.js';
import { isApiError } from '../../src/models/index.js';
import {
  type FreshDatabase,
  freshMysqlDatabase,
  freshPgDatabase,
  mysqlUnavailable,
  pgUnavailable,
} from '../helpers/databases.js';

interface DialectUnderTest {
  name: 'sqlite' | 'postgres' | 'mariadb';
  /** Why the server cannot be reached; undefined when it can. */
  unavailable: string | undefined;
  create(): Promise<FreshDatabase>;
}

const sqlite: DialectUnderTest = {
  name: 'sqlite',
  unavailable: undefined,
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-ds-'));
    return {
      url: `sqlite3://${join(dir, 'nested', 'fn.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

const postgres: DialectUnderTest = {
  name: 'postgres',
  unavailable: await pgUnavailable(),
  create: () => freshPgDatabase('fnode_test'),
};

const mariadb: DialectUnderTest = {
  name: 'mariadb',
  unavailable: await mysqlUnavailable(),
  create: () => freshMysqlDatabase('fnode_test'),
};

export const DIALECTS: readonly DialectUnderTest[] = [sqlite, postgres, mariadb];

/** The datastore of the running suite, opened on a fresh database in `before`. */
export interface SuiteContext {
  readonly ds: Datastore;
  /** The `FN_DB_URL` of the suite's fresh database. */
  readonly url: string;
  readonly dialect: DialectUnderTest['name'];
  /** Creates one more empty database, dropped with the suite's; returns its url. */
  anotherDatabase(): Promise<string>;
}

/**
 * Runs `body` once per dialect, each against its own fresh database. An unreachable server skips
 * its dialect with the reason shown, except under `CI=true`, where the suite fails.
 */
export function describeEachDialect(title: string, body: (ctx: SuiteContext) => void): void {
  const ci = process.env['CI'] === 'true';
  for (const d of DIALECTS) {
    if (d.unavailable !== undefined) {
      const why = `${d.name} unreachable: ${d.unavailable}`;
      describe(`${title} [${d.name}]`, () => {
        it(`needs ${d.name}`, { skip: ci ? false : why }, () => {
          assert.fail(`${why} (CI=true requires every database)`);
        });
      });
      continue;
    }
    describe(`${title} [${d.name}]`, () => {
      let store: Datastore | undefined;
      let fresh: FreshDatabase | undefined;
      const extra: FreshDatabase[] = [];
      const ctx: SuiteContext = {
        get ds() {
          assert.ok(store, 'datastore not open');
          return store;
        },
        get url() {
          assert.ok(fresh, 'database not created');
          return fresh.url;
        },
        dialect: d.name,
        async anotherDatabase() {
          const db = await d.create();
          extra.push(db);
          return db.url;
        },
      };
      before(async () => {
        fresh = await d.create();
        store = await createDatastore(fresh.url);
      });
      body(ctx);
      // Registered last so that it runs after the body's own `after` hooks.
      after(async () => {
        await store?.close();
        await fresh?.drop();
        for (const db of extra) await db.drop();
      });
    });
  }
}

/** A unique resource name: letters, digits and `-`, valid for apps, fns and triggers. */
export function uniq(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Asserts that `p` rejects with an ApiError of exactly this status and message. */
export async function rejectsWith(p: Promise<unknown>, status: number, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isApiError(err), `expected an ApiError, got ${String(err)}`);
    assert.equal(err.message, message);
    assert.equal(err.status, status);
    return true;
  });
}

/** Waits long enough for `now()` to move on, so updated_at changes are visible. */
export function tick(): Promise<void> {
  return new Promise((r) => setTimeout(r, 3));
}

/** A v1 route with every defaultable field at its zero value. */
export function newRoute(appId: string, path: string, image = 'img:1'): NewRoute {
  return { app_id: appId, path, image, memory: 0, type: '', format: '', timeout: 0, idle_timeout: 0 };
}
