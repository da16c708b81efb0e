import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { type Fnode, startFnode } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';

export interface TestFnode extends Fnode {
  tag: string;
  stop(): Promise<void>;
}

/** True when the Docker Engine answers; under CI a missing engine is a failure, not a skip. */
export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    if (process.env['CI'] === 'true')
      throw new Error('Docker is not reachable under CI=true: run scripts/docker-up.sh');
    return false;
  }
}

/** Starts a whole fnode on a random loopback port with its own SQLite file and container tag. */
export async function startTestFnode(env: Record<string, string> = {}): Promise<TestFnode> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-test-'));
  const tag = `fnode-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig(
    {
      FN_PORT: '0',
      FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}`,
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: tag,
      FN_LOG_LEVEL: 'silent',
      // Tests of other features call the API without tokens; the auth tests turn it on.
      FNODE_AUTH: 'off',
      // A cold start on a loaded machine can take seconds; tests of the start timeout set their own.
      FN_HOT_START_TIMEOUT_MSECS: '30000',
      ...env,
    },
    dir,
  );
  const fnode = await startFnode({ config, logger: pino({ level: 'silent' }), host: '127.0.0.1' });
  return {
    ...fnode,
    tag,
    async stop() {
      await fnode.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

export async function http(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const payload =
    body === undefined
      ? undefined
      : typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body);
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers: {
      ...(payload !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string'
        ? { 'content-type': 'application/json' }
        : {}),
      ...headers,
    },
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Creates an app and a fn on a running fnode; returns their ids. */
export async function createFn(
  base: string,
  image: string,
  fn: Record<string, unknown> = {},
  appName = `app-${randomUUID().slice(0, 8)}`,
): Promise<{ appId: string; appName: string; fnId: string }> {
  const app = await http(base, 'POST', '/v2/apps', { name: appName });
  if (app.status !== 200) throw new Error(`create app: ${app.status} ${app.text}`);
  const appId = app.json<{ id: string }>().id;
  const created = await http(base, 'POST', '/v2/fns', {
    app_id: appId,
    name: `fn-${randomUUID().slice(0, 8)}`,
    image,
    ...fn,
  });
  if (created.status !== 200) throw new Error(`create fn: ${created.status} ${created.text}`);
  return { appId, appName, fnId: created.json<{ id: string }>().id };
}

/** Containers of this server's tag, running or not. */
export function containersOf(tag: string): string[] {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', `label=fnode.tag=${tag}`], {
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean);
}

export async function eventually<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
