import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, http } from '../helpers/fnode.js';

const cli = resolve('dist/bin/fnode.js');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

describe('`fnode start` (what `npm start` runs)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'fnode-start-'));
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('brings the API up on FN_PORT with embedded SQLite under ./data and nothing else configured', async () => {
    assert.ok(existsSync(cli), 'the test command builds dist/ before running tests');
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? cwd,
      FN_PORT: String(port),
    };
    child = spawn(process.execPath, [cli, 'start'], { cwd, env, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    const hello = await eventually(async () => {
      const r = await http(base, 'GET', '/').catch(() => undefined);
      return r?.status === 200 ? r.json() : undefined;
    }, 20_000);
    assert.deepEqual(hello, { hello: 'world!', goto: 'https://github.com/fnproject/fn' });
    // Secure by default: the API wants a token, and the first start wrote an admin token.
    const refused = await http(base, 'POST', '/v2/apps', { name: 'first' });
    assert.equal(refused.status, 401);
    assert.match(refused.json<{ message: string }>().message, /Authorization: Bearer/);
    const tokenFile = join(cwd, 'data', 'admin-token');
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600, 'the admin token file is private');
    const token = readFileSync(tokenFile, 'utf8').trim();
    const created = await http(
      base,
      'POST',
      '/v2/apps',
      { name: 'first' },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(created.status, 200);
    assert.ok(existsSync(join(cwd, 'data', 'fn.db')));
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'SIGTERM shuts down cleanly');
    child = undefined;
  });

  /** Starts `fnode start` with `nodeArgs`; resolves what its debug line says of the code cache once it serves. */
  async function codeCacheOfStart(nodeArgs: string[]): Promise<string> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'fnode-start-cache-'));
    const proc = spawn(process.execPath, [...nodeArgs, cli, 'start'], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? dir,
        FN_PORT: String(port),
        FNODE_AUTH: 'off',
        FN_LOG_LEVEL: 'debug',
        FN_DOCKER_NETWORKS: 'none',
        FN_CONTAINER_LABEL_TAG: `fnode-start-cache-${process.pid}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    try {
      const status = await eventually(async () => {
        const r = await http(`http://127.0.0.1:${port}`, 'GET', '/version').catch(() => undefined);
        return r?.status;
      }, 20_000);
      assert.equal(status, 200);
      const line = await eventually(
        async () => out.split('\n').find((l) => l.includes('server modules loaded')),
        5000,
      );
      return String((JSON.parse(line) as { codeCache?: unknown }).codeCache);
    } finally {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('compiles the server with the code V8 cached at build time, and without it under other V8 flags', async () => {
    assert.equal(await codeCacheOfStart([]), 'accepted');
    // V8 refuses a cache made under other flags: the server compiles as usual and serves.
    assert.equal(await codeCacheOfStart(['--max-semi-space-size=32']), 'rejected');
  });

  it('`npm start` passes SIGTERM on to the server: nothing is left serving on the port', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: resolve('.'),
      env: {
        ...process.env,
        FN_PORT: String(port),
        FNODE_DATA_DIR: join(cwd, 'npm-data'),
        FN_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await eventually(
        async () => (await http(base, 'GET', '/version').catch(() => undefined))?.status === 200 || undefined,
        20_000,
      );
      const exited = new Promise<number | null>((r) => npm.once('exit', (code) => r(code)));
      npm.kill('SIGTERM');
      await exited;
      await eventually(
        async () =>
          (await http(base, 'GET', '/version').then(
            () => false,
            () => true,
          )) || undefined,
        20_000,
      );
    } finally {
      npm.kill('SIGKILL');
    }
  });
});
