// Two fnode nodes on one PostgreSQL datastore and one Redis queue, on PostgreSQL alone, and on
// MariaDB alone: what an operator gets when one machine is no longer enough.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Call } from '../../src/models/index.js';
import {
  deleteRedisKeys,
  type FreshDatabase,
  freshMysqlDatabase,
  freshPgDatabase,
  mysqlUnavailable,
  pgUnavailable,
  REDIS_URL,
  redisUnavailable,
  withMysql,
  withPg,
} from '../helpers/databases.js';
import {
  containersOf,
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();

const down = (await pgUnavailable()) ?? (await redisUnavailable());
if (down && process.env['CI'] === 'true') throw new Error(down);
const mysqlDown = await mysqlUnavailable();
if (mysqlDown && process.env['CI'] === 'true') throw new Error(mysqlDown);

/**
 * Warms node b's lookup cache, then points the fn at an image that does not exist through node
 * a: b must answer 502 for it well before its cached entry (5 s) expires. Both answers come fast
 * (a hot container or a failed pull), so no container start blurs the timing.
 */
async function editReachesOtherNode(a: TestFnode, b: TestFnode): Promise<void> {
  const { fnId } = await createFn(a.url, 'fnode-test/hello');
  const status = async () => (await http(b.url, 'POST', `/invoke/${fnId}`, '{}')).status;
  assert.equal(await status(), 200);
  const edited = await http(a.url, 'PUT', `/v2/fns/${fnId}`, { image: '127.0.0.1:9/missing:1' });
  assert.equal(edited.status, 200, edited.text);
  await eventually(async () => ((await status()) === 502 ? true : undefined), 3000);
}

describe('two nodes on one PostgreSQL datastore and one Redis queue', {
  skip: (!docker && 'Docker is not reachable') || down || false,
}, () => {
  let db: FreshDatabase;
  const prefix = `fnode-test:${randomUUID()}:`;
  let a: TestFnode;
  let b: TestFnode;

  before(async () => {
    db = await freshPgDatabase('fnode_nodes');
    const env = { FN_DB_URL: db.url, FN_MQ_URL: REDIS_URL, FNODE_MQ_REDIS_PREFIX: prefix };
    a = await startTestFnode(env);
    b = await startTestFnode(env);
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
    await deleteRedisKeys(prefix);
  });

  it('serves on either node what was made on the other, and lists calls made anywhere', async () => {
    const { appName, fnId } = await createFn(a.url, 'fnode-test/hello');
    const onB = await http(b.url, 'POST', `/invoke/${fnId}`, { name: 'b' });
    assert.equal(onB.status, 200, onB.text);
    assert.equal(onB.json<{ message: string }>().message, 'Hello b');
    const trigger = await http(b.url, 'POST', '/v2/triggers', {
      name: 'hi',
      app_id: (await http(a.url, 'GET', `/v2/fns/${fnId}`)).json<{ app_id: string }>().app_id,
      fn_id: fnId,
      type: 'http',
      source: '/hi',
    });
    assert.equal(trigger.status, 200, trigger.text);
    const viaTrigger = await http(a.url, 'POST', `/t/${appName}/hi`, { name: 'a' });
    assert.equal(viaTrigger.status, 200, viaTrigger.text);
    const callId = String(onB.headers['fn-call-id']);
    const seen = await eventually(async () => {
      const r = await http(a.url, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      return r.status === 200 ? r.json<Call>() : undefined;
    });
    assert.equal(seen.status, 'success');
  });

  it('an edit on one node reaches the other node at once (Redis pub/sub), not after its 5 s cache', async () => {
    await editReachesOtherNode(a, b);
  });

  it('runs every async call once, on both nodes, whichever node accepted it', async () => {
    const { fnId } = await createFn(a.url, 'fnode-test/sleep', { timeout: 30 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const node = i % 2 === 0 ? a : b;
      const res = await http(node.url, 'POST', `/invoke/${fnId}`, '300', { 'Fn-Invoke-Type': 'async' });
      assert.equal(res.status, 202, res.text);
      ids.push(res.json<{ call_id: string }>().call_id);
    }
    const calls = await eventually(async () => {
      const all = await Promise.all(ids.map((id) => a.datastore.getCallById(id)));
      return all.every((c) => c.status === 'success') ? all : undefined;
    }, 60_000);
    for (const c of calls) assert.equal(c.runs, 1, `call ${c.id} ran ${c.runs} times`);
    // Each node's runner took part: each started containers of its own.
    assert.ok(containersOf(a.tag).length >= 1, 'node a ran calls');
    assert.ok(containersOf(b.tag).length >= 1, 'node b ran calls');
  });
});

/**
 * Two nodes on a fresh database of their own (datastore and queue), started before the suite's
 * tests and stopped after them.
 */
function twoNodesOn(fresh: () => Promise<FreshDatabase>): { db: FreshDatabase; a: TestFnode; b: TestFnode } {
  const nodes = {} as { db: FreshDatabase; a: TestFnode; b: TestFnode };
  before(async () => {
    nodes.db = await fresh();
    nodes.a = await startTestFnode({ FN_DB_URL: nodes.db.url });
    nodes.b = await startTestFnode({ FN_DB_URL: nodes.db.url });
  });
  after(async () => {
    await nodes.a?.stop();
    await nodes.b?.stop();
    await nodes.db?.drop();
  });
  return nodes;
}

describe('two nodes on one PostgreSQL datastore and queue (no Redis)', {
  skip: (!docker && 'Docker is not reachable') || down || false,
}, () => {
  const nodes = twoNodesOn(() => freshPgDatabase('fnode_nodes_pg'));

  it('an edit on one node reaches the other node at once (LISTEN/NOTIFY)', async () => {
    await editReachesOtherNode(nodes.a, nodes.b);
  });

  it('listens again after the server ended its connections', async () => {
    const { a, b, db } = nodes;
    const name = new URL(db.url).pathname.slice(1);
    await withPg((c) =>
      c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]),
    );
    // Both nodes' listeners reconnect: their LISTEN connections show again.
    await eventually(async () => {
      const { rows } = await withPg((c) =>
        c.query(
          "select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'listen %'",
          [name],
        ),
      );
      return (rows[0] as { n: number }).n >= 2 ? true : undefined;
    }, 10_000);
    await editReachesOtherNode(a, b);
  });
});

describe('two nodes on one MariaDB datastore and queue', {
  skip: (!docker && 'Docker is not reachable') || mysqlDown || false,
}, () => {
  const nodes = twoNodesOn(() => freshMysqlDatabase('fnode_nodes_my'));

  it('an edit on one node reaches the other node at once (a polled table), not after its 5 s cache', async () => {
    await editReachesOtherNode(nodes.a, nodes.b);
    // And the other way round.
    await editReachesOtherNode(nodes.b, nodes.a);
  });

  it('keeps its table small: announcements older than a minute go', async () => {
    const { a, db } = nodes;
    const name = new URL(db.url.replace('@tcp(', '@').replace(')/', '/')).pathname.slice(1);
    await withMysql((c) =>
      c.query(`insert into ${name}.fnode_bus_events (node_id, at) values ('old-node', ?)`, [
        Date.now() - 120_000,
      ]),
    );
    // An edit announces itself, and the announcing node clears out the old rows.
    const made = await http(a.url, 'POST', '/v2/apps', { name: `bus-${randomUUID().slice(0, 8)}` });
    const edited = await http(a.url, 'PUT', `/v2/apps/${made.json<{ id: string }>().id}`, {
      config: { A: 'b' },
    });
    assert.equal(edited.status, 200, edited.text);
    await eventually(async () => {
      const [rows] = (await withMysql((c) =>
        c.query(`select count(*) as n from ${name}.fnode_bus_events where node_id = 'old-node'`),
      )) as [{ n: number }[], unknown];
      return Number(rows[0]?.n) === 0 ? true : undefined;
    }, 3000);
  });
});
