// nats triggers against the NATS (with JetStream) on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { createFn, dockerAvailable, eventually, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { createTrigger, finalCalls, header, running, triggerStatus, unique } from './helpers.js';

const docker = dockerAvailable();
const NATS = process.env['FNODE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const down = await connect({ servers: NATS.replace('nats://', ''), timeout: 2000 }).then(
  async (nc) => {
    await nc.close();
    return undefined;
  },
  (err: unknown) => `NATS is not reachable at ${NATS}: ${String(err)}`,
);
if (down && process.env['CI'] === 'true') throw new Error(down);

describe('nats triggers', { skip: (!docker && 'Docker is not reachable') || down || false }, () => {
  let fnode: TestFnode;
  let nc: NatsConnection;
  const streams: string[] = [];
  before(async () => {
    fnode = await startTestFnode({ FNODE_NATS_URL: NATS });
    nc = await connect({ servers: NATS.replace('nats://', '') });
  });
  after(async () => {
    await fnode?.stop();
    const jsm = await nc?.jetstreamManager();
    for (const s of streams) await jsm?.streams.delete(s).catch(() => {});
    await nc?.close();
  });

  it('runs the fn for each message on a wildcard subject, with the subject and headers', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const prefix = unique('orders').replace(/-/g, '_');
    const id = await createTrigger(fnode.url, target, 'nats', `${prefix}.*`);
    await running(fnode.url, id);
    const h = natsHeaders();
    h.set('X-Tenant', 'acme');
    h.set('Nats-Msg-Id', 'm-1');
    nc.publish(`${prefix}.created`, new TextEncoder().encode('{"name":"nats"}'), { headers: h });
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.ok(call);
    assert.equal(call.status, 'success', call.error);
    assert.equal(call.payload, '{"name":"nats"}');
    assert.equal(header(call, 'x-tenant'), 'acme');
    assert.equal(header(call, 'fn-event-subject'), `${prefix}.created`);
    assert.equal(header(call, 'fn-event-id'), 'm-1');
  });

  it('JetStream: a durable consumer, each message acked once queued and keyed by its sequence; failing fn dead-lettered', async () => {
    const target = await createFn(fnode.url, 'fnode-test/crash', {
      annotations: { 'fnode.io/async-retries': 1, 'fnode.io/async-retry-backoff-ms': 100 },
    });
    const stream = unique('S').replace(/-/g, '_');
    streams.push(stream);
    const subject = `${stream}.in`;
    const id = await createTrigger(fnode.url, target, 'nats', subject, {
      'fnode.io/nats-stream': stream,
      'fnode.io/nats-durable': 'fnode',
    });
    await running(fnode.url, id);
    const js = nc.jetstream();
    await eventually(async () => {
      const ack = await js.publish(subject, new TextEncoder().encode('boom')).catch(() => undefined);
      return ack;
    });
    const calls = await finalCalls(fnode.url, target.fnId, 2);
    const sorted = calls.sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
    assert.deepEqual(
      sorted.map((c) => [c.status, c.dead_letter ?? false]),
      [
        ['error', false],
        ['error', true],
      ],
    );
    assert.equal(sorted[0] && header(sorted[0], 'fn-event-id'), '1');
    await eventually(async () => {
      const s = await triggerStatus(fnode.url, id);
      return s.consumer?.['ack_pending'] === 0 && s.consumer?.['pending'] === 0 ? true : undefined;
    });
  });

  it('JetStream: a consumer that cannot be set up is tried again, and runs once the cause is gone', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const stream = unique('S').replace(/-/g, '_');
    const squatter = unique('X').replace(/-/g, '_');
    streams.push(stream, squatter);
    const subject = `${stream}.in`;
    // Another stream already holds the subject: the trigger's stream cannot be made.
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: squatter, subjects: [subject] });
    const id = await createTrigger(fnode.url, target, 'nats', subject, {
      'fnode.io/nats-stream': stream,
      'fnode.io/nats-durable': 'fnode',
    });
    const failing = await eventually(async () => {
      const st = await triggerStatus(fnode.url, id);
      return st.state === 'reconnecting' && st.last_error ? st : undefined;
    });
    assert.match(failing.last_error ?? '', /overlap/i);
    await jsm.streams.delete(squatter);
    await running(fnode.url, id, 30_000);
    await nc.jetstream().publish(subject, new TextEncoder().encode('{"name":"again"}'));
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.equal(call?.status, 'success', call?.error);
  });
});
