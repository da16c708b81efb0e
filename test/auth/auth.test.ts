import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashSecret, newSecret } from '../../src/auth/index.js';
import { dockerAvailable, http, type Reply, startTestFnode, type TestFnode } from '../helpers/fnode.js';

const bearer = (t: string | undefined): Record<string, string> => (t ? { authorization: `Bearer ${t}` } : {});

describe('authentication and scopes', { skip: !dockerAvailable() && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let admin: string;
  const tokens: Record<string, string> = {};
  let appA: { id: string; name: string };
  let appB: { id: string; name: string };
  let fnA: string;
  let fnB: string;
  const as = (token: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> =>
    http(fnode.url, method, path, body, bearer(token));
  const newToken = async (body: Record<string, unknown>) => {
    const r = await as(admin, 'POST', '/v2/tokens', body);
    assert.equal(r.status, 200, r.text);
    return r.json<{ id: string; token: string }>();
  };

  before(async () => {
    fnode = await startTestFnode({ FNODE_AUTH: 'on' });
    assert.ok(fnode.adminToken, 'the first start creates an admin token');
    admin = fnode.adminToken.secret;
    for (const scope of ['deploy', 'invoke', 'read'])
      tokens[scope] = (await newToken({ name: scope, scope })).token;
    appA = (await as(admin, 'POST', '/v2/apps', { name: 'app-a' })).json();
    appB = (await as(admin, 'POST', '/v2/apps', { name: 'app-b' })).json();
    fnA = (
      await as(admin, 'POST', '/v2/fns', { app_id: appA.id, name: 'f', image: 'fnode-test/hello' })
    ).json<{ id: string }>().id;
    fnB = (
      await as(admin, 'POST', '/v2/fns', { app_id: appB.id, name: 'f', image: 'fnode-test/hello' })
    ).json<{ id: string }>().id;
    tokens['deployA'] = (await newToken({ name: 'a only', scope: 'deploy', app_id: appA.id })).token;
    tokens['invokeA'] = (await newToken({ name: 'a calls', scope: 'invoke', app_id: appA.id })).token;
  });
  after(async () => fnode?.stop());

  it('leaves /version, / and the health routes open, and nothing else', async () => {
    for (const path of ['/version', '/', '/health/live'])
      assert.equal((await as(undefined, 'GET', path)).status, 200, path);
    for (const [method, path] of [
      ['GET', '/v2/apps'],
      ['POST', `/invoke/${'x'.repeat(26)}`],
      ['GET', '/metrics'],
      ['GET', '/v2/tokens'],
    ]) {
      const r = await as(undefined, method!, path!);
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.match(r.json<{ message: string }>().message, /^Authentication required/);
      assert.match(String(r.headers['www-authenticate']), /^Bearer/);
    }
  });

  it('answers 401 to an unknown token and in the v1 shape on v1 routes', async () => {
    const bad = await as(newSecret(), 'GET', '/v2/apps');
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json(), { message: 'Invalid or expired token' });
    const v1 = await as(undefined, 'GET', '/v1/apps');
    assert.equal(v1.status, 401);
    assert.match(v1.json<{ error: { message: string } }>().error.message, /^Authentication required/);
    const v1Scope = await as(tokens['read'], 'POST', '/v1/apps', { app: { name: 'nope' } });
    assert.equal(v1Scope.status, 403);
    assert.deepEqual(v1Scope.json(), {
      error: { message: "Token scope 'read' does not allow this request" },
    });
  });

  it('grants each scope its own routes: 403 with Fn`s error shape otherwise', async () => {
    const matrix: [string, string, unknown, Record<string, boolean>][] = [
      ['GET', '/v2/apps', undefined, { admin: true, deploy: true, invoke: false, read: true }],
      ['POST', '/v2/apps', { name: 'm1' }, { admin: true, deploy: false, invoke: false, read: false }],
      ['GET', `/v2/fns/${fnA}/calls`, undefined, { admin: true, deploy: true, invoke: false, read: true }],
      ['GET', '/v2/tokens', undefined, { admin: true, deploy: false, invoke: false, read: false }],
      ['GET', '/metrics', undefined, { admin: true, deploy: true, invoke: false, read: true }],
      ['GET', '/v1/apps', undefined, { admin: true, deploy: true, invoke: false, read: true }],
    ];
    // deploy may create: give it its own app name so admin's create does not conflict.
    matrix[1]![3]!['deploy'] = true;
    for (const [method, path, body, allowed] of matrix) {
      for (const scope of ['admin', 'deploy', 'invoke', 'read']) {
        const token = scope === 'admin' ? admin : tokens[scope];
        const b = method === 'POST' ? { name: `m-${scope}` } : body;
        const r = await as(token, method, path, b);
        if (allowed[scope])
          assert.ok(
            r.status !== 401 && r.status !== 403,
            `${scope} ${method} ${path}: ${r.status} ${r.text}`,
          );
        else {
          assert.equal(r.status, 403, `${scope} ${method} ${path}`);
          const message = path.startsWith('/v1/')
            ? r.json<{ error: { message: string } }>().error.message
            : r.json<{ message: string }>().message;
          assert.equal(message, `Token scope '${scope}' does not allow this request`);
        }
      }
    }
  });

  it('lets invoke tokens call functions and nothing else', async () => {
    const called = await as(tokens['invoke'], 'POST', `/invoke/${fnA}`, { name: 'x' });
    assert.equal(called.status, 200, called.text);
    assert.equal((await as(tokens['deploy'], 'POST', `/invoke/${fnA}`, {})).status, 403);
    assert.equal((await as(tokens['read'], 'POST', `/invoke/${fnA}`, {})).status, 403);
  });

  it('keeps an app-limited token to its app', async () => {
    const t = tokens['deployA'];
    const listed = (await as(t, 'GET', '/v2/apps')).json<{ items: { id: string }[] }>();
    assert.deepEqual(
      listed.items.map((a) => a.id),
      [appA.id],
    );
    const v1 = (await as(t, 'GET', '/v1/apps')).json<{ apps: { name: string }[] }>();
    assert.deepEqual(
      v1.apps.map((a) => a.name),
      [appA.name],
    );
    assert.equal((await as(t, 'GET', `/v2/apps/${appA.id}`)).status, 200);
    for (const [method, path, body] of [
      ['GET', `/v2/apps/${appB.id}`],
      ['GET', `/v2/fns?app_id=${appB.id}`],
      ['GET', `/v2/fns/${fnB}`],
      ['PUT', `/v2/fns/${fnB}`, { memory: 256 }],
      ['POST', '/v2/fns', { app_id: appB.id, name: 'g', image: 'i' }],
      ['GET', `/v1/apps/${appB.name}`],
      ['GET', '/v2/tokens'],
      ['POST', '/v2/apps', { name: 'new' }],
    ] as [string, string, unknown][]) {
      const r = await as(t, method, path, body);
      assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
    }
    assert.equal((await as(t, 'GET', `/v2/fns?app_id=${appA.id}`)).status, 200);
    assert.equal((await as(t, 'POST', '/v2/fns', { app_id: appA.id, name: 'g', image: 'i' })).status, 200);
    assert.equal((await as(tokens['invokeA'], 'POST', `/invoke/${fnB}`, {})).status, 403);
  });

  it('refuses a token past its expiry and a deleted token at once', async () => {
    const secret = newSecret();
    await fnode.datastore.insertToken({
      name: 'old',
      scope: 'admin',
      hash: hashSecret(secret),
      expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    assert.equal((await as(secret, 'GET', '/v2/apps')).status, 401);
    const made = await newToken({ name: 'short', scope: 'read' });
    assert.equal((await as(made.token, 'GET', '/v2/apps')).status, 200);
    assert.equal((await as(admin, 'DELETE', `/v2/tokens/${made.id}`)).status, 204);
    assert.equal((await as(made.token, 'GET', '/v2/apps')).status, 401);
  });

  it('manages tokens: the secret is shown once, listings never carry it', async () => {
    const made = await newToken({
      name: 'listed',
      scope: 'read',
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    assert.match(made.token, /^fnode_/);
    const listed = (await as(admin, 'GET', '/v2/tokens')).json<{ items: Record<string, unknown>[] }>();
    const entry = listed.items.find((t) => t['id'] === made.id);
    assert.ok(entry);
    assert.equal('token' in entry, false);
    assert.equal('hash' in entry, false);
    for (const [body, message] of [
      [{ scope: 'read' }, 'Missing token name'],
      [{ name: 'x', scope: 'root' }, 'Invalid token scope: must be one of admin, deploy, invoke, read'],
      [{ name: 'x', scope: 'read', expires_at: 'soon' }, 'Invalid expires_at: must be an RFC 3339 time'],
      [
        { name: 'x', scope: 'read', expires_at: '2001-01-01T00:00:00Z' },
        'Invalid expires_at: must be in the future',
      ],
    ] as [unknown, string][]) {
      const r = await as(admin, 'POST', '/v2/tokens', body);
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), { message });
    }
    const missingApp = await as(admin, 'POST', '/v2/tokens', {
      name: 'x',
      scope: 'read',
      app_id: 'x'.repeat(26),
    });
    assert.equal(missingApp.status, 404);
    assert.equal((await as(admin, 'DELETE', `/v2/tokens/${'x'.repeat(26)}`)).status, 404);
  });

  it('lets anyone call a public trigger, and only that one', async () => {
    const mk = (name: string, annotations?: Record<string, unknown>) =>
      as(admin, 'POST', '/v2/triggers', {
        app_id: appA.id,
        fn_id: fnA,
        name,
        type: 'http',
        source: `/${name}`,
        ...(annotations && { annotations }),
      });
    assert.equal((await mk('open', { 'fnode.io/public': true })).status, 200);
    assert.equal((await mk('closed')).status, 200);
    const bad = await mk('odd', { 'fnode.io/public': 'yes' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { message: 'Invalid annotation fnode.io/public: must be true or false' });
    const open = await as(undefined, 'POST', `/t/${appA.name}/open`, { name: 'anyone' });
    assert.equal(open.status, 200, open.text);
    assert.equal((await as(undefined, 'POST', `/t/${appA.name}/closed`, {})).status, 401);
    assert.equal((await as(tokens['invoke'], 'POST', `/t/${appA.name}/closed`, {})).status, 200);
    assert.equal((await as(undefined, 'GET', `/v2/triggers?app_id=${appA.id}`)).status, 401);
  });

  it('lets anyone call a public v1 route, in the v1 error shape otherwise', async () => {
    const route = (path: string, annotations?: Record<string, unknown>) =>
      as(admin, 'POST', `/v1/apps/${appA.name}/routes`, {
        route: {
          path,
          image: 'fnode-test/hello',
          format: 'http-stream',
          ...(annotations && { annotations }),
        },
      });
    assert.equal((await route('/pub', { 'fnode.io/public': 'true' })).status, 200);
    assert.equal((await route('/priv')).status, 200);
    const open = await as(undefined, 'POST', `/r/${appA.name}/pub`, { name: 'anyone' });
    assert.equal(open.status, 200, open.text);
    const closed = await as(undefined, 'POST', `/r/${appA.name}/priv`, {});
    assert.equal(closed.status, 401);
    assert.match(closed.json<{ error: { message: string } }>().error.message, /^Authentication required/);
  });
});
