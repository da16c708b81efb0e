import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDatastore, type Datastore } from '../../src/datastore/index.js';
import { type Call, isFinalStatus } from '../../src/models/index.js';
import {
  deleteRedisKeys,
  freshPgDatabase,
  pgUnavailable,
  REDIS_URL,
  redisUnavailable,
} from '../helpers/databases.js';
import { containersOf, createFn, dockerAvailable, http } from '../helpers/fnode.js';

const docker = dockerAvailable();
const CALLS = 300;

const pgDown = await pgUnavailable();
const redisDown = await redisUnavailable();
if ((pgDown || redisDown) && process.env['CI'] === 'true') throw new Error(pgDown ?? redisDown);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

interface Backend {
  env: Record<string, string>;
  dbUrl: string;
  cleanup(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-kill-'));
  const dbUrl = `sqlite3://${join(dir, 'fn.db')}`;
  return {
    dbUrl,
    env: { FN_DB_URL: dbUrl, FNODE_DATA_DIR: dir },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh PostgreSQL database; with `redis`, the queue on Redis under a unique key prefix. */
async function postgresBackend(redis: boolean): Promise<Backend> {
  const db = await freshPgDatabase('fnode_kill');
  const dbUrl = db.url;
  const prefix = `fnode-test:${randomUUID()}:`;
  const dir = mkdtempSync(join(tmpdir(), 'fnode-kill-'));
  return {
    dbUrl,
    env: {
      FN_DB_URL: dbUrl,
      FNODE_DATA_DIR: dir,
      ...(redis ? { FN_MQ_URL: REDIS_URL, FNODE_MQ_REDIS_PREFIX: prefix } : {}),
    },
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
      if (!redis) return;
      await deleteRedisKeys(prefix);
    },
  };
}

/** fnode as a real child process, the way an operator runs it. */
async function spawnFnode(env: Record<string, string>, base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    // A cold start on a loaded machine can take seconds (as in startTestFnode).
    env: { ...process.env, FN_HOT_START_TIMEOUT_MSECS: '30000', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`fnode exited with ${child.exitCode}: ${stderr}`);
    const up = await http(base, 'GET', '/version').then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return child;
    if (Date.now() > end) throw new Error(`fnode did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

async function readCalls(ds: Datastore, ids: string[]): Promise<Map<string, Call>> {
  const out = new Map<string, Call>();
  for (const id of ids) out.set(id, await ds.getCallById(id));
  return out;
}

async function killAndRestart(backend: Backend): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...backend.env,
    FN_PORT: String(port),
    FNODE_AUTH: 'off',
    FN_DOCKER_NETWORKS: 'none',
    FN_CONTAINER_LABEL_TAG: `fnode-kill-${randomUUID().slice(0, 8)}`,
    FN_LOG_LEVEL: 'warn',
    FNODE_ASYNC_LEASE_MSECS: '3000',
  };
  let child = await spawnFnode(env, base);
  const ds = await createDatastore(backend.dbUrl);
  try {
    const { fnId } = await createFn(base, 'fnode-test/sleep', { timeout: 60 });
    const accepted: string[] = [];
    let next = 0;
    const pusher = async () => {
      while (next < CALLS) {
        next++;
        const ms = 50 + Math.floor(Math.random() * 150);
        const r = await http(base, 'POST', `/invoke/${fnId}`, String(ms), {
          'fn-invoke-type': 'async',
        }).catch(() => undefined);
        if (r?.status === 202) accepted.push(r.json<{ call_id: string }>().call_id);
      }
    };
    const pushing = Promise.all([1, 2, 3, 4].map(pusher));
    // Kill once a good share has run, while others are running and more wait in the queue.
    const killAt = Date.now() + 30_000;
    for (;;) {
      const done = [...(await readCalls(ds, [...accepted])).values()].filter((c) => c.status === 'success');
      if (done.length >= CALLS / 4 || Date.now() > killAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const killedContainers = containersOf(env.FN_CONTAINER_LABEL_TAG);
    child.kill('SIGKILL');
    await exited(child);
    await pushing;
    assert.ok(accepted.length >= CALLS / 2, `only ${accepted.length} calls were accepted`);

    const atKill = await readCalls(ds, accepted);
    const runningAtKill = new Set(
      [...atKill.values()].filter((c) => c.status === 'running').map((c) => c.id),
    );
    const finalAtKill = [...atKill.values()].filter((c) => isFinalStatus(c.status)).length;
    assert.ok(runningAtKill.size > 0, 'some calls were running at the kill');
    assert.ok(finalAtKill < accepted.length, 'some calls were still to run at the kill');

    child = await spawnFnode(env, base);
    const deadline = Date.now() + 45_000;
    let after = await readCalls(ds, accepted);
    while ([...after.values()].some((c) => !isFinalStatus(c.status)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      after = await readCalls(ds, accepted);
    }
    // The killed server's containers are gone: the new one saw its owner lock refuse.
    const left = containersOf(env.FN_CONTAINER_LABEL_TAG).filter((id) => killedContainers.includes(id));
    assert.deepEqual(left, [], "the killed server's containers were removed at the restart");
    const notFinal = [...after.values()].filter((c) => !isFinalStatus(c.status));
    assert.deepEqual(
      notFinal.map((c) => `${c.id}:${c.status}`),
      [],
      'every accepted call reached a final state',
    );
    for (const c of after.values()) {
      assert.equal(c.status, 'success', `call ${c.id}: ${c.error ?? ''}`);
      const expected = runningAtKill.has(c.id) ? 2 : 1;
      assert.equal(
        c.runs,
        expected,
        `call ${c.id} ran ${c.runs} times (running at the kill: ${expected === 2})`,
      );
    }
  } finally {
    await ds.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
  }
}

describe('async calls survive a SIGKILL of the server', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  it('SQLite (datastore and queue): every accepted call ends, only calls running at the kill run twice', async () => {
    const backend = await sqliteBackend();
    try {
      await killAndRestart(backend);
    } finally {
      await backend.cleanup();
    }
  });

  it('PostgreSQL datastore with the Redis queue: every accepted call ends, only running ones run twice', {
    skip: pgDown || redisDown,
  }, async () => {
    const backend = await postgresBackend(true);
    try {
      await killAndRestart(backend);
    } finally {
      await backend.cleanup();
    }
  });

  it('PostgreSQL datastore and queue (SKIP LOCKED): every accepted call ends, only running ones run twice', {
    skip: pgDown,
  }, async () => {
    const backend = await postgresBackend(false);
    try {
      await killAndRestart(backend);
    } finally {
      await backend.cleanup();
    }
  });
});
