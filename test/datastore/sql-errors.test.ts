import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Kysely } from 'kysely';
import { parseDbUrl } from '../../src/sql/index.js';
import { createDialect } from '../../src/sql/index.js';
import type { Database } from '../../src/datastore/sql/schema.js';
import { isForeignKeyViolation, isUniqueViolation, violatedKey } from '../../src/datastore/sql/sql-errors.js';
import { describeEachDialect, uniq } from './dialects.js';

/** The real driver errors, raised without the datastore's friendly pre-checks. */
describeEachDialect('datastore constraint errors', (ctx) => {
  let db: Kysely<Database>;
  const at = '2024-01-01T00:00:00.000Z';
  const times = { created_at: at, updated_at: at };

  before(async () => {
    db = new Kysely<Database>({ dialect: await createDialect(parseDbUrl(ctx.url)) });
  });
  after(() => db.destroy());

  const raised = async (work: () => Promise<unknown>): Promise<unknown> => {
    try {
      await work();
    } catch (err) {
      return err;
    }
    assert.fail('expected the statement to fail');
  };

  it('names each unique key from the driver error', async () => {
    const app = await ctx.ds.insertApp({ name: uniq('k') });
    const fn = await ctx.ds.insertFn({ app_id: app.id, name: 'f', image: 'i' });
    const t = await ctx.ds.insertTrigger({
      app_id: app.id,
      fn_id: fn.id,
      name: 't',
      type: 'http',
      source: '/s',
    });
    await ctx.ds.insertRoute({
      app_id: app.id,
      path: '/r',
      image: 'i',
      memory: 0,
      type: '',
      format: '',
      timeout: 0,
      idle_timeout: 0,
    });

    const appRow = {
      id: 'A2',
      name: app.name,
      config: '{}',
      annotations: '{}',
      syslog_url: null,
      shape: null,
      ...times,
    };
    const dupApp = await raised(() => db.insertInto('apps').values(appRow).execute());
    assert.ok(isUniqueViolation(dupApp));
    assert.equal(violatedKey(dupApp), 'apps_name_unique');

    const fnRow = {
      ...appRow,
      id: 'F2',
      app_id: app.id,
      name: 'f',
      image: 'i',
      memory: 1,
      timeout: 1,
      idle_timeout: 1,
    };
    const { syslog_url: _s, ...fnValues } = fnRow;
    assert.equal(
      violatedKey(await raised(() => db.insertInto('fns').values(fnValues).execute())),
      'fns_app_id_name_unique',
    );

    const trow = (await db
      .selectFrom('triggers')
      .selectAll()
      .where('id', '=', t.id)
      .executeTakeFirstOrThrow()) as object;
    const sameName = { ...trow, id: 'T2', source: '/other', source_hash: 'x' } as never;
    assert.equal(
      violatedKey(await raised(() => db.insertInto('triggers').values(sameName).execute())),
      'triggers_app_id_fn_id_name_unique',
    );
    const sameSource = { ...trow, id: 'T3', name: 'other' } as never;
    assert.equal(
      violatedKey(await raised(() => db.insertInto('triggers').values(sameSource).execute())),
      'triggers_app_id_type_source_unique',
    );

    const rrow = (await db
      .selectFrom('routes')
      .selectAll()
      .where('app_id', '=', app.id)
      .executeTakeFirstOrThrow()) as object;
    assert.equal(
      violatedKey(
        await raised(() =>
          db
            .insertInto('routes')
            .values(rrow as never)
            .execute(),
        ),
      ),
      'routes_app_id_path_unique',
    );
  });

  it('recognises foreign key violations', async () => {
    const fnRow = {
      id: 'F9',
      app_id: 'NO-SUCH-APP',
      name: 'f',
      image: 'i',
      memory: 1,
      timeout: 1,
      idle_timeout: 1,
      config: '{}',
      annotations: '{}',
      shape: null,
      ...times,
    };
    const err = await raised(() => db.insertInto('fns').values(fnRow).execute());
    assert.ok(isForeignKeyViolation(err), String(err));
    assert.equal(violatedKey(err), undefined);
  });
});
