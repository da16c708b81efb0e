// A server SIGKILLed after it received a message but before its call was queued loses nothing:
// the broker delivers the message again (redis-stream: claimed from the dead consumer; amqp:
// requeued when the connection died), and it becomes exactly one call.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type FreshDatabase, freshPgDatabase, pgUnavailable, REDIS_URL } from '../helpers/databases.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { callsOf, createTrigger, header, running, unique } from './helpers.js';

const docker = dockerAvailable();
const down = await pgUnavailable();
if (down && process.env['CI'] === 'true') throw new Error(down);
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';

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

/** fnode as a real child process, to be killed. */
async function spawnFnode(env: Record<string, string>, base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`fnode exited with ${child.exitCode}: ${stderr}`);
    return http(base, 'GET', '/version').then(
      (r) => (r.status === 200 ? true : undefined),
      () => undefined,
    );
  }, 30_000);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('a server killed between receiving and queueing', {
  skip: (!docker && 'Docker is not reachable') || down || false,
}, () => {
  let db: FreshDatabase;
  let child: ChildProcess | undefined;
  let survivor: TestFnode | undefined;
  let base: string;
  let env: Record<string, string>;

  before(async () => {
    db = await freshPgDatabase('fnode_events_kill');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      FN_DB_URL: db.url,
      FN_PORT: String(port),
      FNODE_AUTH: 'off',
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: `fnode-kill-${randomUUID().slice(0, 8)}`,
      FN_LOG_LEVEL: 'warn',
      FNODE_REDIS_URL: REDIS_URL,
      FNODE_AMQP_URL: AMQP,
    };
  });
  after(async () => {
    if (child) await kill(child);
    await survivor?.stop();
    await db?.drop();
  });

  /**
   * Holds the tables an enqueue writes, so the killed server's call can never be stored: the
   * message is received (the broker shows it unacknowledged) and not queued.
   */
  async function holdQueueing(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('begin');
    await c.query('lock table idempotency_keys, calls in access exclusive mode');
    return c;
  }

  it('redis-stream and amqp: the message is delivered again and becomes one call', async () => {
    child = await spawnFnode(env, base);
    const redis = new Redis(REDIS_URL);
    const rabbit = await amqp.connect(AMQP);
    const ch = await rabbit.createChannel();
    const key = unique('fnode-test-stream');
    const queue = unique('fnode-test-q');
    try {
      const rTarget = await createFn(base, 'fnode-test/hello');
      const qTarget = await createFn(base, 'fnode-test/hello');
      const rId = await createTrigger(base, rTarget, 'redis-stream', key);
      const qId = await createTrigger(base, qTarget, 'amqp', queue);
      await running(base, rId);
      await running(base, qId);

      const lock = await holdQueueing();
      const entryId = await redis.xadd(key, '*', 'body', '{"name":"survives"}');
      ch.sendToQueue(queue, Buffer.from('{"name":"survives too"}'), { messageId: 'kill-1' });
      // Received by the server: pending on its consumer, unacknowledged in RabbitMQ.
      await eventually(async () => {
        const pending = (await redis.xpending(key, 'fnode')) as [number, ...unknown[]];
        return pending[0] === 1 ? true : undefined;
      });
      await eventually(() => {
        const out = execFileSync('rabbitmqctl', ['-q', 'list_queues', 'name', 'messages_unacknowledged'], {
          encoding: 'utf8',
        });
        const line = out.split('\n').find((l) => l.startsWith(`${queue}\t`));
        return line?.endsWith('\t1') ? true : undefined;
      });
      await kill(child);
      child = undefined;
      await lock.query('rollback');
      await lock.end();

      // Another node on the same datastore takes over what the dead one held.
      survivor = await startTestFnode({
        FN_DB_URL: db.url,
        FNODE_REDIS_URL: REDIS_URL,
        FNODE_AMQP_URL: AMQP,
        FNODE_EVENT_REDELIVER_SECS: '1',
      });
      const one = async (fnId: string) =>
        eventually(async () => {
          const calls = await callsOf(survivor?.url ?? '', fnId);
          return calls.length > 0 && calls.every((c) => c.status === 'success') ? calls : undefined;
        }, 60_000);
      const rCalls = await one(rTarget.fnId);
      const qCalls = await one(qTarget.fnId);
      assert.equal(rCalls.length, 1);
      assert.equal(rCalls[0]?.payload, '{"name":"survives"}');
      assert.equal(rCalls[0] && header(rCalls[0], 'fn-event-id'), entryId);
      assert.equal(qCalls.length, 1);
      assert.equal(qCalls[0]?.payload, '{"name":"survives too"}');
      assert.equal(qCalls[0] && header(qCalls[0], 'fn-event-redelivered'), 'true');
      await eventually(async () => {
        const pending = (await redis.xpending(key, 'fnode')) as [number, ...unknown[]];
        return pending[0] === 0 ? true : undefined;
      });
    } finally {
      await redis.del(key);
      redis.disconnect();
      await ch.deleteQueue(queue).catch(() => {});
      await rabbit.close();
    }
  });
});
