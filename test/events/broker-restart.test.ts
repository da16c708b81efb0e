// A broker that goes away and comes back: each source reconnects by itself, /health/ready names
// it meanwhile, and messages flow again. The brokers are shared by everyone on this machine, so
// the outage is made by a TCP proxy of this test in front of each (its listener closed and every
// connection cut, then opened again on the same port), never by stopping the service.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { connect } from 'nats';
import { REDIS_URL } from '../helpers/databases.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { createTrigger, finalCalls, running, triggerStatus, unique } from './helpers.js';

const docker = dockerAvailable();

/** A TCP proxy on a loopback port to a broker, which can be taken down and brought back. */
class Outage {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = tcpConnect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server?.listen(this.port, '127.0.0.1', r));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  async down(): Promise<void> {
    const closed = new Promise((r) => this.server?.close(r));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe('a broker that goes away and comes back', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode();
  });
  after(async () => {
    await fnode?.stop();
  });

  const cases: {
    type: string;
    port: number;
    url: (p: number) => string;
    source: () => string;
    publish: (s: string) => Promise<() => Promise<void>>;
  }[] = [
    {
      type: 'nats',
      port: 4222,
      url: (p) => `nats://127.0.0.1:${p}`,
      source: () => unique('restart').replace(/-/g, '_'),
      publish: async (subject) => {
        const nc = await connect({ servers: '127.0.0.1:4222' });
        nc.publish(subject, new TextEncoder().encode('{"name":"back"}'));
        await nc.flush();
        return () => nc.close();
      },
    },
    {
      type: 'mqtt',
      port: 1883,
      url: (p) => `mqtt://127.0.0.1:${p}`,
      source: () => `${unique('fnode-test')}/restart`,
      publish: async (topic) => {
        const c = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 5 });
        await c.publishAsync(topic, '{"name":"back"}', { qos: 1 });
        return () => c.endAsync();
      },
    },
    {
      type: 'redis-stream',
      port: Number(new URL(REDIS_URL).port || 6379),
      url: (p) => `redis://127.0.0.1:${p}`,
      source: () => unique('fnode-test-stream'),
      publish: async (key) => {
        const r = new Redis(REDIS_URL);
        await r.xadd(key, '*', 'body', '{"name":"back"}');
        return async () => {
          await r.del(key);
          r.disconnect();
        };
      },
    },
  ];

  for (const c of cases) {
    it(`${c.type}: reconnects with backoff, is named by /health/ready meanwhile, and delivers again`, async () => {
      const proxy = new Outage(c.port);
      await proxy.up();
      const target = await createFn(fnode.url, 'fnode-test/hello');
      const source = c.source();
      const id = await createTrigger(fnode.url, target, c.type, source, {
        'fnode.io/broker-url': c.url(proxy.port),
      });
      await running(fnode.url, id);
      await proxy.down();
      await eventually(async () =>
        (await triggerStatus(fnode.url, id)).state === 'reconnecting' ? true : undefined,
      );
      const ready = await http(fnode.url, 'GET', '/health/ready');
      assert.equal(ready.status, 503);
      assert.match(ready.text, new RegExp(`${c.type} trigger \\S+ \\(${id}\\) is reconnecting`));
      await proxy.up();
      await running(fnode.url, id, 30_000);
      // The subscription is back too: a message published now runs the fn.
      let close: (() => Promise<void>) | undefined;
      try {
        const calls = await eventually(async () => {
          close ??= await c.publish(source);
          const done = await finalCalls(fnode.url, target.fnId, 1, 2000).catch(() => undefined);
          return done;
        }, 30_000);
        assert.equal(calls[0]?.payload, '{"name":"back"}');
      } finally {
        await close?.();
        await http(fnode.url, 'DELETE', `/v2/triggers/${id}`);
        await proxy.down();
      }
    });
  }
});
