import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { type Datastore, sqlHandleOf } from '../../src/datastore/index.js';
import {
  type Call,
  CallRetentionAnnotation,
  IdGenerator,
  idFloorAt,
  isApiError,
} from '../../src/models/index.js';
import { CallPruner } from '../../src/runner/index.js';
import { describeEachDialect, uniq } from '../datastore/dialects.js';

const DAY = 86_400_000;
const WEEK_SECS = 7 * 86_400;
/** Rows in the bulk removal test (the figure is a million; this keeps the suite quick). */
const BULK_ROWS = Number(process.env['FNODE_TEST_PRUNE_ROWS'] ?? 200_000);

const ids = new IdGenerator();

/** A call created at `at` (epoch ms), with an id made at that time as every id is. */
function callAt(fnId: string, appId: string, at: number, over: Partial<Call> = {}): Call {
  return {
    id: ids.next(at),
    status: 'success',
    app_id: appId,
    app_name: 'app',
    fn_id: fnId,
    trigger_id: '',
    image: 'fnode-test/hello',
    type: 'sync',
    format: 'http-stream',
    memory: 128,
    timeout: 30,
    idle_timeout: 30,
    method: 'POST',
    url: `http://127.0.0.1:8080/invoke/${fnId}`,
    created_at: new Date(at).toISOString(),
    started_at: new Date(at + 3).toISOString(),
    completed_at: new Date(at + 9).toISOString(),
    execution_duration: 6_000_000,
    ...over,
  };
}

async function exists(ds: Datastore, id: string): Promise<boolean> {
  try {
    await ds.getCallById(id);
    return true;
  } catch (err) {
    if (isApiError(err) && err.status === 404) return false;
    throw err;
  }
}

async function hasLog(ds: Datastore, id: string): Promise<boolean> {
  return ds.getLog(id).then(
    () => true,
    (err: unknown) => {
      if (isApiError(err) && err.status === 404) return false;
      throw err;
    },
  );
}

async function hasResponse(ds: Datastore, id: string): Promise<boolean> {
  return ds.getCallResponse(id).then(
    () => true,
    (err: unknown) => {
      if (isApiError(err) && err.status === 404) return false;
      throw err;
    },
  );
}

const response = {
  status: 200,
  headers: { 'Content-Type': ['text/plain'] },
  body: Buffer.from('ok'),
  truncated: false,
};

describeEachDialect('call retention', (ctx) => {
  const newFn = async (annotations?: Record<string, unknown>) => {
    const app = await ctx.ds.insertApp({ name: uniq('app') });
    const fn = await ctx.ds.insertFn({
      app_id: app.id,
      name: uniq('fn'),
      image: 'fnode-test/hello',
      ...(annotations ? { annotations } : {}),
    });
    return { appId: app.id, fnId: fn.id };
  };

  it('removes records, logs and responses past the retention; keeps newer ones, pending ones and dead letters within it', async () => {
    const now = Date.now();
    const { appId, fnId } = await newFn();
    const old = now - 10 * DAY;
    const recent = now - DAY;
    const oldDone = callAt(fnId, appId, old);
    const oldDead = callAt(fnId, appId, old + 1, { status: 'error', type: 'async', dead_letter: true });
    const oldQueued = callAt(fnId, appId, old + 2, { status: 'queued', type: 'async' });
    const oldDelayed = callAt(fnId, appId, old + 3, { status: 'delayed', type: 'async' });
    const recentDone = callAt(fnId, appId, recent);
    const recentDead = callAt(fnId, appId, recent + 1, { status: 'error', type: 'async', dead_letter: true });
    await ctx.ds.insertCalls([oldDone, oldDead, oldQueued, oldDelayed, recentDone, recentDead]);
    await ctx.ds.insertLogs([
      { callId: oldDone.id, log: 'old\n' },
      { callId: recentDone.id, log: 'recent\n' },
    ]);
    await ctx.ds.insertCallResponse(oldDead.id, response);
    await ctx.ds.insertCallResponse(recentDead.id, response);
    const claim = { key: uniq('key'), notBefore: new Date(old - DAY).toISOString() };
    const claimed = callAt(fnId, appId, old + 4, { status: 'success', type: 'async' });
    await ctx.ds.insertAsyncCall(claimed, claim);

    const result = await new CallPruner({
      datastore: ctx.ds,
      retentionSecs: WEEK_SECS,
      now: () => now,
    }).runOnce();

    assert.equal(result.calls, 3, 'the old final calls');
    assert.equal(result.claims, 1);
    for (const gone of [oldDone, oldDead, claimed])
      assert.equal(await exists(ctx.ds, gone.id), false, gone.id);
    assert.equal(await hasLog(ctx.ds, oldDone.id), false);
    assert.equal(await hasResponse(ctx.ds, oldDead.id), false);
    for (const kept of [oldQueued, oldDelayed, recentDone, recentDead]) {
      assert.deepEqual(await ctx.ds.getCallById(kept.id), kept);
    }
    assert.equal(await ctx.ds.getLog(recentDone.id), 'recent\n');
    assert.equal(await hasResponse(ctx.ds, recentDead.id), true);
    const dead = await ctx.ds.getDeadLetters({ fnId, perPage: 10 });
    assert.deepEqual(
      dead.items.map((c) => c.id),
      [recentDead.id],
    );
    // The claim is gone: the same key makes a new call.
    const again = callAt(fnId, appId, now, { status: 'queued', type: 'async' });
    assert.deepEqual(
      await ctx.ds.insertAsyncCall(again, { ...claim, notBefore: new Date(now - DAY).toISOString() }),
      {
        id: again.id,
        created: true,
      },
    );
  });

  it("a fn's annotation keeps its calls for less time; 0 or more than the server's keeps the server's", async () => {
    const now = Date.now();
    const short = await newFn({ [CallRetentionAnnotation]: '3600' });
    const zero = await newFn({ [CallRetentionAnnotation]: 0 });
    const longer = await newFn({ [CallRetentionAnnotation]: 30 * 86_400 });
    const plain = await newFn();
    const twoHours = now - 2 * 3_600_000;
    const calls = [short, zero, longer, plain].map((f) => callAt(f.fnId, f.appId, twoHours));
    const [shortCall, zeroCall, longerCall, plainCall] = calls;
    const tenDays = callAt(longer.fnId, longer.appId, now - 10 * DAY);
    await ctx.ds.insertCalls([...calls, tenDays]);

    await new CallPruner({ datastore: ctx.ds, retentionSecs: WEEK_SECS, now: () => now }).runOnce();
    assert.equal(await exists(ctx.ds, shortCall!.id), false);
    for (const kept of [zeroCall!, longerCall!, plainCall!])
      assert.equal(await exists(ctx.ds, kept.id), true);
    assert.equal(await exists(ctx.ds, tenDays.id), false, "the server's retention still applies");

    // With the server keeping calls forever, the annotation alone removes them.
    const forever = callAt(plain.fnId, plain.appId, now - 400 * DAY);
    const shortAgain = callAt(short.fnId, short.appId, twoHours + 1);
    await ctx.ds.insertCalls([forever, shortAgain]);
    await new CallPruner({ datastore: ctx.ds, retentionSecs: 0, now: () => now }).runOnce();
    assert.equal(await exists(ctx.ds, shortAgain.id), false);
    assert.equal(await exists(ctx.ds, forever.id), true);
  });

  it('removes many rows in batches, through an index, while other queries run in between', async () => {
    const now = Date.now();
    const { appId, fnId } = await newFn();
    await bulkInsert(ctx.ds, fnId, appId, now - 30 * DAY, BULK_ROWS);
    const kept = callAt(fnId, appId, now);
    await ctx.ds.insertCalls([kept]);
    const cutoff = idFloorAt(now - WEEK_SECS * 1000);
    for (const fn of [undefined, fnId]) {
      const plan = await planOf(ctx.ds, cutoff, fn);
      assert.match(plan, /calls_pkey|calls_fn_id_id_idx|PRIMARY|USING (COVERING )?INDEX/, plan);
      assert.doesNotMatch(plan, /Seq Scan|SCAN calls(?! USING)|"ALL"/, plan);
    }
    const pagesBefore = ctx.dialect === 'sqlite' ? await sqlitePages(ctx.ds) : 0;

    let batches = 0;
    const pruner = new CallPruner({
      datastore: ctx.ds,
      retentionSecs: WEEK_SECS,
      now: () => now,
      batchSize: 1000,
      // The defaults shrink a batch to 50 rows once one takes over 5 ms, as any does on a loaded
      // machine: minutes for these rows. What is under test is the batching and the queries in
      // between, so batches stay at 1000 rows and pause only the 3 times their time.
      batchMs: 200,
      pauseMs: 1,
      onBatch: () => {
        batches++;
      },
    });
    // Another client's queries, each noting how many batches were done when it was answered.
    const seen: number[] = [];
    let done = false;
    const pass = pruner.runOnce().finally(() => {
      done = true;
    });
    while (!done) {
      await ctx.ds.getCallById(kept.id);
      seen.push(batches);
      // As a client on a socket would: SQLite answers without ever leaving the microtask queue.
      await new Promise((r) => setImmediate(r));
    }
    const result = await pass;

    // With the calls the other tests left past the week.
    assert.ok(result.calls >= BULK_ROWS, `${result.calls} calls removed`);
    assert.ok(result.batches >= Math.ceil(BULK_ROWS / 1000), `${result.batches} batches`);
    const between = new Set(seen.filter((b) => b > 0 && b < result.batches));
    assert.ok(between.size > 1, `queries ran between batches (after batches ${[...between].slice(0, 10)})`);
    const left = await ctx.ds.getCalls({ fnId, perPage: 10 });
    assert.deepEqual(
      left.items.map((c) => c.id),
      [kept.id],
    );
    if (ctx.dialect === 'sqlite') {
      const pagesAfter = await sqlitePages(ctx.ds);
      assert.ok(pagesAfter < pagesBefore / 2, `SQLite gave the pages back (${pagesBefore} -> ${pagesAfter})`);
    }
  });
});

/** Old calls with only the columns a record must have, many per statement: quick on every database. */
async function bulkInsert(
  ds: Datastore,
  fnId: string,
  appId: string,
  from: number,
  count: number,
): Promise<void> {
  const db = sqlHandleOf(ds)!.db as Kysely<{ calls: Record<string, string> }>;
  const perStatement = 1000;
  for (let i = 0; i < count; i += perStatement) {
    const rows = Array.from({ length: Math.min(perStatement, count - i) }, (_, j) => {
      const at = from + i + j;
      return {
        id: ids.next(at),
        status: 'success',
        app_id: appId,
        app_name: '',
        fn_id: fnId,
        trigger_id: '',
        created_at: new Date(at).toISOString(),
      };
    });
    await db.insertInto('calls').values(rows).execute();
  }
}

/** The plan of the query removeOldCalls makes, as one string. */
async function planOf(ds: Datastore, cutoffId: string, fnId: string | undefined): Promise<string> {
  const { db, kind } = sqlHandleOf(ds)!;
  // Fresh statistics, as autovacuum keeps them on a live PostgreSQL.
  if (kind === 'postgres') await sql`analyze calls`.execute(db);
  const fn = fnId === undefined ? '' : `fn_id = '${fnId}' and `;
  const query = `select id from calls where ${fn}id < '${cutoffId}' and created_at < '2100' and status in ('success', 'error', 'cancelled') order by id limit 1000`;
  const prefix =
    kind === 'sqlite'
      ? 'explain query plan'
      : kind === 'postgres'
        ? 'explain (format json)'
        : 'explain format=json';
  const { rows } = await sql.raw(`${prefix} ${query}`).execute(db);
  return JSON.stringify(rows).replace(/\\/g, '');
}

async function sqlitePages(ds: Datastore): Promise<number> {
  const handle = sqlHandleOf(ds)!;
  const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(handle.db);
  return rows[0]!.page_count;
}
