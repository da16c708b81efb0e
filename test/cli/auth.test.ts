import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { buildCli, fnode as cli } from './helpers.js';

describe('the CLI against a server with authentication on', () => {
  let server: TestFnode;
  const home = mkdtempSync(join(tmpdir(), 'fnode-cli-auth-'));
  const dataDir = join(home, 'data');
  // A HOME of its own: the contexts file lands there, not in the user's.
  const env = (more: Record<string, string | undefined> = {}) => ({
    HOME: home,
    XDG_CONFIG_HOME: undefined,
    FN_API_URL: undefined,
    FN_TOKEN: undefined,
    FNODE_DATA_DIR: dataDir,
    ...more,
  });
  before(async () => {
    await buildCli();
    server = await startTestFnode({ FNODE_AUTH: 'on', FNODE_DATA_DIR: dataDir });
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('uses the admin token a local server wrote, and says what to do without one', async () => {
    const url = server.url;
    const ok = await cli(['create', 'app', 'cli-app', '--api-url', url], { env: env() });
    assert.equal(ok.code, 0, ok.stderr);
    const elsewhere = mkdtempSync(join(tmpdir(), 'fnode-cli-none-'));
    const refused = await cli(['list', 'apps', '--api-url', url], {
      env: env({ FNODE_DATA_DIR: elsewhere }),
    });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Authentication required/);
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('creates, lists and deletes tokens; a token works through FN_TOKEN and --token', async () => {
    const url = server.url;
    const made = await cli(['token', 'create', 'ci', '--scope', 'read', '--api-url', url, '-o', 'json'], {
      env: env(),
    });
    assert.equal(made.code, 0, made.stderr);
    const { id, token } = made.json<{ id: string; token: string }>();
    const other = { FNODE_DATA_DIR: join(home, 'nothing-here') };
    const viaEnv = await cli(['list', 'apps', '--api-url', url], { env: env({ ...other, FN_TOKEN: token }) });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    const readOnly = await cli(['create', 'app', 'nope', '--api-url', url, '--token', token], {
      env: env(other),
    });
    assert.notEqual(readOnly.code, 0);
    assert.match(readOnly.stderr, /Token scope 'read' does not allow this request/);
    const listed = await cli(['token', 'list', '--api-url', url, '-o', 'json'], { env: env() });
    assert.ok(listed.json<{ id: string }[]>().some((t) => t.id === id));
    assert.doesNotMatch(listed.stdout, new RegExp(token));
    assert.equal((await cli(['token', 'delete', id, '--api-url', url], { env: env() })).code, 0);
    const gone = await cli(['list', 'apps', '--api-url', url], { env: env({ ...other, FN_TOKEN: token }) });
    assert.match(gone.stderr, /Invalid or expired token/);
  });

  it('keeps named contexts with their token in a private file', async () => {
    const made = await cli(
      ['token', 'create', 'ctx', '--scope', 'deploy', '--api-url', server.url, '-o', 'json'],
      { env: env() },
    );
    const { token } = made.json<{ token: string }>();
    const other = { FNODE_DATA_DIR: join(home, 'nothing-here') };
    const created = await cli(['context', 'create', 'test', '--api-url', server.url, '--token', token], {
      env: env(other),
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await cli(['context', 'use', 'test'], { env: env(other) })).code, 0);
    const file = join(home, '.config', 'fnode', 'contexts.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const listed = await cli(['list', 'apps'], { env: env(other) });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /cli-app/);
    const contexts = await cli(['context', 'list'], { env: env(other) });
    assert.match(contexts.stdout, /\*\s+test/);
    assert.doesNotMatch(contexts.stdout, new RegExp(token));
    assert.equal((await cli(['context', 'delete', 'test'], { env: env(other) })).code, 0);
    writeFileSync(file, 'not json');
    const broken = await cli(['context', 'list'], { env: env(other) });
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /fix or delete it/);
  });
});
