import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dockerAvailable, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { callIdOf, v1Call } from './v1-helpers.js';

const docker = dockerAvailable();

describe('a Fn v1 client, end to end', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let base: string;
  before(async () => {
    fnode = await startTestFnode();
    base = fnode.url;
  });
  after(async () => {
    await fnode?.stop();
  });

  it('creates an app and routes, calls them sync and async, reads the calls and their logs', async () => {
    const app = `flow-${randomUUID().slice(0, 8)}`;
    const created = await http(base, 'POST', '/v1/apps', { app: { name: app, config: { FOO: 'app' } } });
    assert.equal(created.status, 200);
    assert.equal(created.json<{ message: string }>().message, 'App successfully created');

    const sync = await http(base, 'POST', `/v1/apps/${app}/routes`, {
      route: { path: '/hello', image: 'fnode-test/legacy', format: 'json', headers: { 'X-Flow': ['1'] } },
    });
    assert.equal(sync.status, 200, sync.text);
    const asyncRoute = await http(base, 'PUT', `/v1/apps/${app}/routes/later`, {
      route: { image: 'fnode-test/legacy', format: 'default', type: 'async' },
    });
    assert.equal(asyncRoute.status, 200, asyncRoute.text);
    const routes = await http(base, 'GET', `/v1/apps/${app}/routes`);
    assert.deepEqual(
      routes.json<{ routes: { path: string }[] }>().routes.map((r) => r.path),
      ['/hello', '/later'],
    );

    const res = await http(base, 'POST', `/r/${app}/hello`, 'from the client');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-flow'], '1');
    const out = res.json<{ body: string; env: Record<string, string> }>();
    assert.equal(out.body, 'from the client');
    assert.equal(out.env['FOO'], 'app');
    const syncId = callIdOf(res.headers);

    const queued = await http(base, 'POST', `/r/${app}/later`, 'for later');
    assert.equal(queued.status, 202);
    const asyncId = queued.json<{ call_id: string }>().call_id;

    const syncCall = await v1Call(base, app, syncId);
    assert.equal(syncCall.status, 'success');
    assert.equal(syncCall.path, '/hello');
    const asyncCall = await v1Call(base, app, asyncId, (c) => c.status === 'success' || c.status === 'error');
    assert.equal(asyncCall.status, 'success', JSON.stringify(asyncCall));
    assert.equal(asyncCall.path, '/later');

    const calls = await http(base, 'GET', `/v1/apps/${app}/calls`);
    const ids = calls.json<{ calls: { id: string }[] }>().calls.map((c) => c.id);
    assert.ok(ids.includes(syncId) && ids.includes(asyncId));
    const onlyLater = await http(base, 'GET', `/v1/apps/${app}/calls?path=/later`);
    assert.deepEqual(
      onlyLater.json<{ calls: { id: string }[] }>().calls.map((c) => c.id),
      [asyncId],
    );

    const log = await http(base, 'GET', `/v1/apps/${app}/calls/${asyncId}/log`);
    assert.deepEqual(log.json(), {
      message: 'Successfully loaded log',
      log: { call_id: asyncId, log: 'default log for later\n' },
    });
    const text = await http(base, 'GET', `/v1/apps/${app}/calls/${syncId}/log`, undefined, {
      accept: 'text/plain',
    });
    assert.equal(text.text, 'json log from the client\n');

    assert.equal((await http(base, 'DELETE', `/v1/apps/${app}/routes/hello`)).status, 200);
    const gone = await http(base, 'POST', `/r/${app}/hello`, 'x');
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.json(), { error: { message: 'Route not found' } });
    assert.deepEqual((await http(base, 'DELETE', `/v1/apps/${app}`)).json(), { message: 'App deleted' });
  });
});
