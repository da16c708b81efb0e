// Two nodes on one PostgreSQL datastore and queue: each schedule tick and each broker message
// becomes one call, whichever node got it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect } from 'nats';
import type { Call } from '../../src/models/index.js';
import { type FreshDatabase, freshPgDatabase, pgUnavailable, REDIS_URL } from '../helpers/databases.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { callsOf, createTrigger, header, running, triggerStatus, unique } from './helpers.js';

const docker = dockerAvailable();
const down = await pgUnavailable();
if (down && process.env['CI'] === 'true') throw new Error(down);
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const MESSAGES = 20;

describe('event triggers on two nodes', {
  skip: (!docker && 'Docker is not reachable') || down || false,
}, () => {
  let db: FreshDatabase;
  let a: TestFnode;
  let b: TestFnode;
  before(async () => {
    db = await freshPgDatabase('fnode_events');
    const env = { FN_DB_URL: db.url, FNODE_REDIS_URL: REDIS_URL };
    a = await startTestFnode(env);
    b = await startTestFnode(env);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  /** Both nodes run the trigger's source. */
  const onBoth = async (id: string) => {
    // The edit reaches node b through LISTEN/NOTIFY; the status shows its source running.
    await running(a.url, id);
    await running(b.url, id);
  };

  const settled = async (fnId: string, n: number): Promise<Call[]> => {
    const calls = await eventually(async () => {
      const all = await callsOf(a.url, fnId);
      return all.length >= n && all.every((c) => c.status === 'success') ? all : undefined;
    }, 60_000);
    // A duplicate would come late, if at all: one more look after the others are done.
    await new Promise((r) => setTimeout(r, 1000));
    void calls;
    return callsOf(a.url, fnId);
  };

  it('fires each tick of a per-second schedule once across both nodes', async () => {
    const target = await createFn(a.url, 'fnode-test/hello');
    const id = await createTrigger(a.url, target, 'cron', '* * * * * *');
    await onBoth(id);
    const calls = await eventually(async () => {
      const all = await callsOf(a.url, target.fnId);
      return all.length >= 4 ? all : undefined;
    }, 30_000);
    assert.equal((await http(a.url, 'DELETE', `/v2/triggers/${id}`)).status, 204);
    const ticks = calls.map((c) => header(c, 'fn-event-time'));
    assert.equal(new Set(ticks).size, ticks.length, `one call per tick: ${ticks.join(', ')}`);
  });

  it('an edit made on one node moves both nodes to the new source within seconds', async () => {
    const redis = new Redis(REDIS_URL);
    const oldKey = unique('fnode-test-stream');
    const newKey = unique('fnode-test-stream');
    try {
      const target = await createFn(a.url, 'fnode-test/hello');
      const id = await createTrigger(a.url, target, 'redis-stream', oldKey);
      await onBoth(id);
      const edited = await http(b.url, 'PUT', `/v2/triggers/${id}`, { source: newKey });
      assert.equal(edited.status, 200, edited.text);
      // Both nodes read the new stream, in its group.
      await eventually(async () => {
        const both = await Promise.all([a, b].map((n) => triggerStatus(n.url, id)));
        return both.every((s) => s.state === 'running' && s.consumer?.['stream'] === newKey)
          ? true
          : undefined;
      });
      await redis.xadd(newKey, '*', 'body', '{"name":"moved"}');
      await redis.xadd(oldKey, '*', 'body', '{"name":"left behind"}');
      const calls = await settled(target.fnId, 1);
      assert.deepEqual(
        calls.map((c) => c.payload),
        ['{"name":"moved"}'],
      );
    } finally {
      await redis.del(oldKey, newKey);
      redis.disconnect();
    }
  });

  it('delivers each message of redis-stream, nats, amqp and mqtt triggers once across both nodes', async () => {
    const redis = new Redis(REDIS_URL);
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const rabbit = await amqp.connect(AMQP);
    const ch = await rabbit.createChannel();
    const mq = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5 });
    const key = unique('fnode-test-stream');
    const queue = unique('fnode-test-q');
    const subject = unique('two').replace(/-/g, '_');
    const topic = `${unique('fnode-test')}/t`;
    try {
      const publishers: [string, string, (body: string) => Promise<unknown>][] = [
        ['redis-stream', key, (body) => redis.xadd(key, '*', 'body', body)],
        ['nats', subject, async (body) => nc.publish(subject, new TextEncoder().encode(body))],
        ['amqp', queue, async (body) => ch.sendToQueue(queue, Buffer.from(body))],
        ['mqtt', topic, (body) => mq.publishAsync(topic, body, { qos: 1 })],
      ];
      for (const [type, source, publish] of publishers) {
        const target = await createFn(a.url, 'fnode-test/hello');
        const id = await createTrigger(a.url, target, type, source);
        await onBoth(id);
        for (let i = 0; i < MESSAGES; i++) await publish(`{"name":"${type}-${i}"}`);
        const calls = await settled(target.fnId, MESSAGES);
        const bodies = calls.map((c) => c.payload).sort();
        assert.equal(calls.length, MESSAGES, `${type}: ${calls.length} calls for ${MESSAGES} messages`);
        assert.equal(new Set(bodies).size, MESSAGES, `${type}: each message once`);
      }
    } finally {
      await redis.del(key);
      redis.disconnect();
      await nc.close();
      await ch.deleteQueue(queue).catch(() => {});
      await rabbit.close();
      await mq.endAsync();
    }
  });
});
