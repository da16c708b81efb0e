// Event triggers (issue 17): messages/s from publish to call queued, per broker. One fnode
// (SQLite, its async runner stopped so the calls stay queued and only the path from the broker
// to the queue is measured); for each broker, BENCH_MESSAGES messages are published as fast as
// the client goes, and the clock stops when the trigger's source has queued them all (its
// status's `delivered`). Brokers on loopback: NATS, RabbitMQ, Mosquitto, Redis.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect } from 'nats';
import { pino } from 'pino';
import { startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { printTable } from './stats.js';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 2000);
const TIMEOUT_MS = 120_000;
/** A comma-separated subset of redis-stream,nats,nats-jetstream,amqp,mqtt (default all). */
const ONLY = (process.env['BENCH_BROKERS'] ?? 'redis-stream,nats,nats-jetstream,amqp,mqtt').split(',');
const REDIS_URL = process.env['FNODE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

const id = () => randomUUID().slice(0, 8);
const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-events-'));
const config = loadConfig(
  {
    FN_PORT: '0',
    FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}`,
    FN_LOG_LEVEL: 'silent',
    FNODE_AUTH: 'off',
    FN_DOCKER_NETWORKS: 'none',
    FN_CONTAINER_LABEL_TAG: `fnode-bench-${id()}`,
    FNODE_REDIS_URL: REDIS_URL,
  },
  dir,
);
const fnode = await startFnode({ config, logger: pino({ level: 'silent' }), host: '127.0.0.1' });
await fnode.runner?.stopTaking();

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${fnode.url}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const app = await api<{ id: string }>('POST', '/v2/apps', { name: `bench-${id()}` });
const fn = await api<{ id: string }>('POST', '/v2/fns', {
  app_id: app.id,
  name: 'sink',
  image: 'fnode-test/hello',
});

async function status(triggerId: string): Promise<{ state: string; delivered?: number }> {
  return api('GET', `/v2/triggers/${triggerId}/status`);
}

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + TIMEOUT_MS;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Broker {
  name: string;
  type: string;
  source: string;
  annotations?: Record<string, string>;
  publish(body: Buffer): Promise<unknown> | unknown;
  close(): Promise<void>;
}

async function brokers(): Promise<Broker[]> {
  const out: Broker[] = [];
  if (ONLY.includes('redis-stream')) {
    const redis = new Redis(REDIS_URL);
    const key = `fnode-bench-${id()}`;
    out.push({
      name: 'redis-stream',
      type: 'redis-stream',
      source: key,
      publish: (b) => redis.xadd(key, '*', 'body', b),
      close: async () => {
        await redis.del(key);
        redis.disconnect();
      },
    });
  }
  if (ONLY.includes('nats') || ONLY.includes('nats-jetstream')) {
    const nc = await connect({ servers: '127.0.0.1:4222' });
    const subject = `bench_${id()}`;
    const stream = `BENCH_${id()}`;
    if (ONLY.includes('nats'))
      out.push({
        name: 'nats (core, queue group)',
        type: 'nats',
        source: `${subject}.core`,
        publish: (b) => nc.publish(`${subject}.core`, b),
        close: async () => {},
      });
    if (ONLY.includes('nats-jetstream'))
      out.push({
        name: 'nats (JetStream durable)',
        type: 'nats',
        source: `${stream}.in`,
        annotations: { 'fnode.io/nats-stream': stream, 'fnode.io/nats-durable': 'fnode' },
        publish: (b) => nc.jetstream().publish(`${stream}.in`, b),
        close: async () => {
          await (await nc.jetstreamManager()).streams.delete(stream).catch(() => {});
          await nc.close();
        },
      });
  }
  if (ONLY.includes('amqp')) {
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    const queue = `fnode-bench-${id()}`;
    out.push({
      name: 'amqp',
      type: 'amqp',
      source: queue,
      publish: (b) => ch.sendToQueue(queue, b),
      close: async () => {
        await ch.deleteQueue(queue).catch(() => {});
        await conn.close();
      },
    });
  }
  if (ONLY.includes('mqtt')) {
    const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5 });
    const topic = `fnode-bench/${id()}`;
    out.push({
      name: 'mqtt (QoS 1)',
      type: 'mqtt',
      source: topic,
      publish: (b) => client.publishAsync(topic, b, { qos: 1 }),
      close: () => client.endAsync(),
    });
  }
  return out;
}

const rows: (string | number)[][] = [];
try {
  for (const b of await brokers()) {
    const trigger = await api<{ id: string }>('POST', '/v2/triggers', {
      name: `t-${id()}`,
      app_id: app.id,
      fn_id: fn.id,
      type: b.type,
      source: b.source,
      ...(b.annotations ? { annotations: b.annotations } : {}),
    });
    await waitFor(async () => (await status(trigger.id)).state === 'running');
    const body = Buffer.from('{"name":"bench"}');
    const start = performance.now();
    const publishing: Promise<unknown>[] = [];
    for (let i = 0; i < MESSAGES; i++) publishing.push(Promise.resolve(b.publish(body)));
    await Promise.all(publishing);
    const published = performance.now() - start;
    await waitFor(async () => ((await status(trigger.id)).delivered ?? 0) >= MESSAGES);
    const queued = performance.now() - start;
    rows.push([
      b.name,
      MESSAGES,
      Math.round((MESSAGES / published) * 1000),
      Math.round((MESSAGES / queued) * 1000),
    ]);
    await api('DELETE', `/v2/triggers/${trigger.id}`);
    await b.close();
  }
} finally {
  await fnode.close();
  rmSync(dir, { recursive: true, force: true });
}
printTable(['broker', 'messages', 'published/s', 'queued/s (publish to call queued)'], rows);
