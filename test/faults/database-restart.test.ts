import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Call, isFinalStatus } from '../../src/models/index.js';
import {
  type FreshDatabase,
  freshMysqlDatabase,
  freshPgDatabase,
  mysqlUnavailable,
  pgUnavailable,
} from '../helpers/databases.js';
import { createFn, dockerAvailable, eventually, http, type Reply, startTestFnode } from '../helpers/fnode.js';
import { mariadb, postgres } from './services.js';

const docker = dockerAvailable();
const pgDown = await pgUnavailable();
const mysqlDown = await mysqlUnavailable();
if ((pgDown || mysqlDown) && process.env['CI'] === 'true') throw new Error(pgDown ?? mysqlDown);

interface Server {
  name: string;
  down: string | undefined;
  fresh(): Promise<FreshDatabase>;
  service(action: 'stop' | 'start'): void | Promise<void>;
}

const servers: Server[] = [
  { name: 'PostgreSQL', down: pgDown, fresh: () => freshPgDatabase('fnode_fault'), service: postgres },
  { name: 'MariaDB', down: mysqlDown, fresh: () => freshMysqlDatabase('fnode_fault'), service: mariadb },
];

for (const server of servers)
  describe(`${server.name} stops and starts again under load`, {
    skip: (!docker && 'Docker is not reachable') || server.down,
  }, () => {
    it('answers 503 (never 500) while it is away, recovers by itself, and loses no call record', async () => {
      const db = await server.fresh();
      const fnode = await startTestFnode({ FN_DB_URL: db.url });
      try {
        const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
        assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
        const api: number[] = [];
        const syncIds: string[] = [];
        const asyncIds: string[] = [];
        let loading = true;
        const bounded = (p: Promise<Reply | undefined>) =>
          Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
        const load = async () => {
          while (loading) {
            const list = await bounded(http(fnode.url, 'GET', '/v2/apps').catch(() => undefined));
            api.push(list?.status ?? 0);
            const sync = await bounded(
              http(fnode.url, 'POST', `/invoke/${fnId}`, '{}').catch(() => undefined),
            );
            if (sync?.status === 200) syncIds.push(String(sync.headers['fn-call-id']));
            const queued = await bounded(
              http(fnode.url, 'POST', `/invoke/${fnId}`, '{}', { 'fn-invoke-type': 'async' }).catch(
                () => undefined,
              ),
            );
            if (queued?.status === 202) asyncIds.push(queued.json<{ call_id: string }>().call_id);
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        const loops = [load(), load()];
        await eventually(() => syncIds.length >= 5 || undefined, 30_000);
        await server.service('stop');
        try {
          // While it is away: a quick 503 in Fn's shape, not a 500 and not a hang.
          const away = await http(fnode.url, 'GET', '/v2/apps');
          assert.equal(away.status, 503);
          assert.deepEqual(away.json(), { message: 'Datastore is unavailable: try again shortly' });
          await eventually(() => api.filter((s) => s === 503).length >= 2 || undefined, 30_000);
        } finally {
          await server.service('start');
        }
        // Back by itself: the API answers again without a restart of fnode.
        await eventually(
          async () => (await http(fnode.url, 'GET', '/v2/apps')).status === 200 || undefined,
          60_000,
        );
        const afterRestart = api.length;
        await eventually(() => api.length >= afterRestart + 5 || undefined, 30_000);
        loading = false;
        await Promise.all(loops);

        assert.ok(!api.includes(0), 'no API request hung or lost its connection');
        assert.deepEqual(
          api.filter((s) => s !== 200 && s !== 503),
          [],
          'while it was away the API answered 503, never 500',
        );
        // Sync call records written meanwhile were written again once it was back.
        for (const id of syncIds) {
          await eventually(
            async () =>
              (await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}`)).status === 200 || undefined,
            30_000,
          );
        }
        // Every accepted async call ends.
        for (const id of asyncIds) {
          const c = await eventually(async () => {
            const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${id}`);
            const call = r.status === 200 ? r.json<Call>() : undefined;
            return call && isFinalStatus(call.status) ? call : undefined;
          }, 60_000);
          assert.equal(c.status, 'success', `${id}: ${c.error ?? ''}`);
        }
      } finally {
        await fnode.stop();
        await db.drop();
      }
    });
  });
