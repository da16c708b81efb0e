// amqp triggers against the RabbitMQ on loopback.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { createFn, dockerAvailable, eventually, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { createTrigger, finalCalls, header, running, triggerStatus, unique } from './helpers.js';

const docker = dockerAvailable();
const AMQP = process.env['FNODE_TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const down = await amqp.connect(AMQP).then(
  async (c) => {
    await c.close();
    return undefined;
  },
  (err: unknown) => `RabbitMQ is not reachable at ${AMQP}: ${String(err)}`,
);
if (down && process.env['CI'] === 'true') throw new Error(down);

describe('amqp triggers', { skip: (!docker && 'Docker is not reachable') || down || false }, () => {
  let fnode: TestFnode;
  let conn: ChannelModel;
  let ch: Channel;
  const queues: string[] = [];
  const exchanges: string[] = [];
  before(async () => {
    fnode = await startTestFnode({ FNODE_AMQP_URL: AMQP });
    conn = await amqp.connect(AMQP);
    ch = await conn.createChannel();
  });
  after(async () => {
    await fnode?.stop();
    for (const q of queues) await ch?.deleteQueue(q).catch(() => {});
    for (const e of exchanges) await ch?.deleteExchange(e).catch(() => {});
    await conn?.close();
  });

  it('declares the queue, binds it to the exchange, runs the fn per message and acks it', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const queue = unique('fnode-test-q');
    const exchange = unique('fnode-test-x');
    queues.push(queue);
    exchanges.push(exchange);
    const id = await createTrigger(fnode.url, target, 'amqp', queue, {
      'fnode.io/amqp-exchange': exchange,
      'fnode.io/amqp-binding-key': 'orders.#',
    });
    await running(fnode.url, id);
    ch.publish(exchange, 'orders.created', Buffer.from('{"name":"rabbit"}'), {
      messageId: 'msg-1',
      contentType: 'application/json',
      headers: { 'x-tenant': 'acme' },
    });
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.ok(call);
    assert.equal(call.status, 'success', call.error);
    assert.equal(call.payload, '{"name":"rabbit"}');
    assert.equal(header(call, 'x-tenant'), 'acme');
    assert.equal(header(call, 'content-type'), 'application/json');
    assert.equal(header(call, 'fn-event-subject'), 'orders.created');
    assert.equal(header(call, 'fn-event-id'), 'msg-1');
    await eventually(async () => {
      const q = await ch.checkQueue(queue);
      return q.messageCount === 0 ? true : undefined;
    });
    const s = await triggerStatus(fnode.url, id);
    assert.equal(s.consumer?.['consumers'], 1);
  });

  it('retries a failing fn and dead-letters it', async () => {
    const target = await createFn(fnode.url, 'fnode-test/crash', {
      annotations: { 'fnode.io/async-retries': 1, 'fnode.io/async-retry-backoff-ms': 100 },
    });
    const queue = unique('fnode-test-q');
    queues.push(queue);
    const id = await createTrigger(fnode.url, target, 'amqp', queue);
    await running(fnode.url, id);
    ch.sendToQueue(queue, Buffer.from('boom'));
    const calls = await finalCalls(fnode.url, target.fnId, 2);
    assert.deepEqual(
      calls
        .sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0))
        .map((c) => [c.status, c.dead_letter ?? false]),
      [
        ['error', false],
        ['error', true],
      ],
    );
  });

  it('connects again after RabbitMQ closed the connection, and delivers what came meanwhile', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const queue = unique('fnode-test-q');
    queues.push(queue);
    const id = await createTrigger(fnode.url, target, 'amqp', queue);
    await running(fnode.url, id);
    // Only this source's connection, by its name.
    const list = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], {
      encoding: 'utf8',
    });
    const line = list.split('\n').find((l) => l.includes(`fnode-events-${id}`));
    assert.ok(line, 'the source has a named connection');
    const pid = line.split('\t')[0] ?? '';
    execFileSync('rabbitmqctl', ['-q', 'close_connection', pid, 'test: connection closed']);
    await eventually(
      async () => ((await triggerStatus(fnode.url, id)).state !== 'running' ? true : undefined),
      5000,
    );
    ch.sendToQueue(queue, Buffer.from('{"name":"again"}'));
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.equal(call?.status, 'success');
    await running(fnode.url, id);
  });
});
