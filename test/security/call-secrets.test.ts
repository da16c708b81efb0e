import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FreshDatabase } from '../helpers/databases.js';
import { type Call, newId } from '../../src/models/index.js';
import { createFn, dockerAvailable, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { tablesHolding } from '../helpers/table-scan.js';
import { DIALECTS } from '../datastore/dialects.js';
import { ASYNC, finalCall, invokeAsync } from '../runner/helpers.js';
import { createRoute, v1Call } from '../v1/v1-helpers.js';

const docker = dockerAvailable();
const ci = process.env['CI'] === 'true';

/** Where config belongs (and the datastore's own bookkeeping): every other table must not hold a secret. */
const CONFIG_TABLES = ['apps', 'fns', 'routes'];

const secret = (what: string) => `${what}-${randomBytes(6).toString('hex')}`;

/**
 * Issue 13, item 8: an async call's record keeps neither the app's and fn's config nor the
 * client's credential headers, in any table, and no call listing shows them; the call still runs
 * with the fn's config as it is when it runs, and with the client's other headers.
 */
for (const dialect of DIALECTS) {
  const skip = !docker ? 'Docker is not reachable' : dialect.unavailable && !ci ? dialect.unavailable : false;
  describe(`async call records keep no secrets [${dialect.name}]`, { skip }, () => {
    let db: FreshDatabase;
    let fnode: TestFnode;
    let base: string;

    before(async () => {
      db = await dialect.create();
      fnode = await startTestFnode({ FN_DB_URL: db.url });
      base = fnode.url;
    });
    after(async () => {
      await fnode?.stop();
      await db?.drop();
    });

    it("runs with the fn's config read when it runs, stores none of it", async () => {
      const [appSecret, fnSecret, later] = [secret('app'), secret('fn'), secret('later')];
      const app = await http(base, 'POST', '/v2/apps', {
        name: secret('app'),
        config: { APP_TOKEN: appSecret },
      });
      const fn = await http(base, 'POST', '/v2/fns', {
        app_id: app.json<{ id: string }>().id,
        name: 'hello',
        image: 'fnode-test/hello',
        config: { FOO: fnSecret },
      });
      const fnId = fn.json<{ id: string }>().id;
      const id = await invokeAsync(base, fnId, '{"name":"async"}', { 'Fn-Async-Delay': '1' });
      // Changed while the call waits: the call runs with what the fn says when it runs.
      const put = await http(base, 'PUT', `/v2/fns/${fnId}`, { config: { FOO: later } });
      assert.equal(put.status, 200, put.text);
      const call = await finalCall(base, fnId, id);
      assert.equal(call.status, 'success', call.error);
      assert.equal(call.config, undefined);
      const res = await http(base, 'GET', `/v2/fns/${fnId}/calls/${id}/response`);
      assert.equal(res.json<{ config: Record<string, string> }>().config['FOO'], later);
      for (const s of [appSecret, fnSecret, later]) {
        assert.deepEqual(await tablesHolding(fnode.datastore, s, CONFIG_TABLES), [], s);
      }
    });

    it('keeps no Authorization, Proxy-Authorization or Cookie from /invoke or a trigger; the function gets the other headers', async () => {
      const { fnId, appId, appName } = await createFn(base, 'fnode-test/headers');
      const trigger = await http(base, 'POST', '/v2/triggers', {
        app_id: appId,
        fn_id: fnId,
        name: 'sec',
        type: 'http',
        source: '/sec',
      });
      assert.equal(trigger.status, 200, trigger.text);
      const [token, cookie, proxy] = [secret('token'), secret('cookie'), secret('proxy')];
      const credentials = {
        Authorization: `Bearer ${token}`,
        Cookie: `sid=${cookie}`,
        'Proxy-Authorization': `Basic ${proxy}`,
        'X-Custom': 'kept',
      };
      const viaInvoke = await invokeAsync(base, fnId, '{}', credentials);
      const viaTrigger = await http(base, 'POST', `/t/${appName}/sec`, '{}', { ...ASYNC, ...credentials });
      assert.equal(viaTrigger.status, 202, viaTrigger.text);
      const ids = [viaInvoke, viaTrigger.json<{ call_id: string }>().call_id];
      for (const id of ids) {
        const call = await finalCall(base, fnId, id);
        assert.equal(call.status, 'success', call.error);
        const seen = (await http(base, 'GET', `/v2/fns/${fnId}/calls/${id}/response`)).text;
        assert.match(seen, /kept/, 'the other headers reach the function');
        for (const s of [token, cookie, proxy]) assert.ok(!seen.includes(s), `the function got ${s}`);
      }
      const views = [
        (await http(base, 'GET', `/v2/fns/${fnId}/calls`)).text,
        ...(await Promise.all(
          ids.map(async (id) => (await http(base, 'GET', `/v2/fns/${fnId}/calls/${id}`)).text),
        )),
        (await http(base, 'GET', `/v1/apps/${appName}/calls`)).text,
        (await http(base, 'GET', `/v1/apps/${appName}/calls/${ids[0]}`)).text,
      ];
      for (const view of views) {
        assert.match(view, /kept/, 'the records keep the other headers');
        for (const s of [token, cookie, proxy]) assert.ok(!view.includes(s), `${s} in ${view.slice(0, 200)}`);
      }
      for (const s of [token, cookie, proxy]) {
        assert.deepEqual(await tablesHolding(fnode.datastore, s, []), [], s);
      }
    });

    it('shows none of them for a record that still has them (written by an older node during an upgrade)', async () => {
      const { fnId, appName } = await createFn(base, 'fnode-test/hello');
      const [token, config] = [secret('token'), secret('config')];
      const app = (await http(base, 'GET', `/v2/apps?name=${appName}`)).json<{ items: { id: string }[] }>();
      const old = (over: Partial<Call>): Call => ({
        id: newId(),
        status: 'queued',
        app_id: app.items[0]!.id,
        app_name: appName,
        fn_id: fnId,
        trigger_id: '',
        type: 'async',
        config: { SECRET: config },
        headers: { authorization: [`Bearer ${token}`], 'x-custom': ['kept'] },
        created_at: new Date().toISOString(),
        ...over,
      });
      const dead = old({ status: 'error', error: 'function failed', dead_letter: true });
      const delayed = old({ status: 'delayed', run_at: new Date(Date.now() + 3_600_000).toISOString() });
      await fnode.datastore.insertCalls([dead, delayed]);
      const views = [
        (await http(base, 'GET', `/v2/fns/${fnId}/calls`)).text,
        (await http(base, 'GET', `/v2/fns/${fnId}/calls/${dead.id}`)).text,
        (await http(base, 'GET', `/v2/fns/${fnId}/dead-letters`)).text,
        (await http(base, 'GET', `/v1/apps/${appName}/calls`)).text,
        (await http(base, 'GET', `/v1/apps/${appName}/calls/${dead.id}`)).text,
        (await http(base, 'POST', `/v2/fns/${fnId}/calls/${delayed.id}/cancel`)).text,
      ];
      for (const view of views) {
        assert.match(view, /kept/, view.slice(0, 200));
        for (const s of [token, config]) assert.ok(!view.includes(s), `${s} in ${view.slice(0, 300)}`);
      }
    });

    it('keeps no credentials of an async v1 route call, whose container gets the route config', async () => {
      const fooSecret = secret('route');
      const { app, path } = await createRoute(base, {
        image: 'fnode-test/hello',
        format: 'http-stream',
        type: 'async',
        config: { FOO: fooSecret },
      });
      const token = secret('token');
      const res = await http(base, 'POST', `/r/${app}${path}`, '{}', { Authorization: `Bearer ${token}` });
      assert.equal(res.status, 202, res.text);
      const call = await v1Call(base, app, res.json<{ call_id: string }>().call_id);
      assert.equal(call.status, 'success', call.error);
      const listed = (await http(base, 'GET', `/v1/apps/${app}/calls`)).text;
      for (const s of [token, fooSecret]) assert.ok(!listed.includes(s));
      assert.deepEqual(await tablesHolding(fnode.datastore, token, []), []);
      assert.deepEqual(await tablesHolding(fnode.datastore, fooSecret, CONFIG_TABLES), []);
    });
  });
}
