import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually, http } from '../helpers/fnode.js';

const cli = resolve('dist/bin/fnode.js');
const recorder = resolve('test/fixtures/loaded-modules/record.mjs');

/** Packages only some configurations need; each is loaded where that configuration is read. */
const OPTIONAL = [
  // Other databases and the Redis queue and bus.
  'pg',
  'pg-pool',
  'mysql2',
  'ioredis',
  // Tracing (FNODE_TRACING / OTEL_*).
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-http',
  // dockerode's SSH transport (ssh:// DOCKER_HOST) and BuildKit session.
  'ssh2',
  'cpu-features',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'protobufjs',
  // The CLI's HTTP client and the agent's (at the first container).
  'undici',
  // Event trigger brokers (issue 17): loaded when a trigger of that type runs.
  'nats',
  'amqplib',
  'mqtt',
];

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

/** `pg` for `…/node_modules/pg/lib/index.js`, `@grpc/grpc-js` for a scoped one; else undefined. */
function packageOf(fileOrUrl: string): string | undefined {
  const all = [...fileOrUrl.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
  return all.at(-1)?.[1];
}

describe('the bundle that `fnode` runs', () => {
  it('leaves the optional packages out, to be loaded from node_modules when configured', () => {
    // The command's ES modules, and the server's CommonJS bundle.
    const inputs = ['meta.json', 'server-meta.json'].flatMap((file) =>
      Object.keys(
        (JSON.parse(readFileSync(resolve('dist/bin', file), 'utf8')) as { inputs: Record<string, unknown> })
          .inputs,
      ),
    );
    const bundled = new Set(inputs.map((p) => packageOf(`/${p}`)).filter((p) => p !== undefined));
    // The bundle holds packages (else this check could not fail) but none of the optional ones.
    assert.ok(bundled.has('fastify') && bundled.has('kysely'), 'Fastify and Kysely are bundled');
    assert.deepEqual(
      OPTIONAL.filter((p) => bundled.has(p)),
      [],
      'optional packages copied into the bundle',
    );
  });
});

describe('a server started with the default configuration', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'fnode-light-'));
  const listFile = join(cwd, 'loaded-modules.json');
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it('serves without loading any optional module', async () => {
    assert.ok(existsSync(cli), 'the test command builds dist/ before running tests');
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? cwd,
      FN_PORT: String(port),
      FNODE_AUTH: 'off',
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: `fnode-light-test-${process.pid}`,
      FNODE_LOADED_MODULES: listFile,
    };
    child = spawn(process.execPath, ['--import', recorder, cli, 'start'], { cwd, env, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    const status = await eventually(async () => {
      const r = await http(base, 'GET', '/version').catch(() => undefined);
      return r?.status;
    }, 20_000);
    assert.equal(status, 200);
    // The docs page works from the bundle: Swagger UI's files are read from node_modules.
    assert.equal((await http(base, 'GET', '/v2/docs')).status, 200);
    const ui = await http(base, 'GET', '/v2/docs/swagger-ui-bundle.js');
    assert.equal(ui.status, 200);
    assert.ok(ui.text.length > 500_000, 'the Swagger UI bundle');
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'SIGTERM shuts down cleanly');
    child = undefined;

    const loaded = JSON.parse(readFileSync(listFile, 'utf8')) as string[];
    const packages = new Set(loaded.map(packageOf).filter((p) => p !== undefined));
    // The recording works: what this server does need shows, by both kinds of loading (the
    // bundle's chunks as ES modules, the packages left outside it as CommonJS).
    for (const needed of ['better-sqlite3', 'dockerode']) {
      assert.ok(packages.has(needed), `${needed} is among the loaded modules`);
    }
    assert.ok(
      loaded.some((m) => m.startsWith('file:') && m.endsWith('/dist/bin/fnode.js')),
      'ES modules are recorded',
    );
    assert.deepEqual(
      OPTIONAL.filter((p) => packages.has(p)),
      [],
      'optional packages loaded by a server on the default configuration',
    );
    // Serving the docs reads files: no static-file plugin (some 11 MiB) is ever loaded for it.
    assert.deepEqual(
      ['@fastify/swagger-ui', '@fastify/static'].filter((p) => packages.has(p)),
      [],
      'docs modules loaded',
    );
  });
});
