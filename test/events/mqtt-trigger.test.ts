// mqtt triggers against the Mosquitto on loopback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { createFn, dockerAvailable, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { createTrigger, finalCalls, header, running, unique } from './helpers.js';

const docker = dockerAvailable();
const MQTT = process.env['FNODE_TEST_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';
const down = await mqtt.connectAsync(MQTT, { connectTimeout: 2000, reconnectPeriod: 0 }).then(
  async (c) => {
    await c.endAsync();
    return undefined;
  },
  (err: unknown) => `Mosquitto is not reachable at ${MQTT}: ${String(err)}`,
);
if (down && process.env['CI'] === 'true') throw new Error(down);

describe('mqtt triggers', { skip: (!docker && 'Docker is not reachable') || down || false }, () => {
  let fnode: TestFnode;
  let client: MqttClient;
  before(async () => {
    fnode = await startTestFnode({ FNODE_MQTT_URL: MQTT });
    client = await mqtt.connectAsync(MQTT, { protocolVersion: 5 });
  });
  after(async () => {
    await fnode?.stop();
    await client?.endAsync();
  });

  it('runs the fn for each message on a topic filter, with the topic and user properties as headers', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const root = unique('fnode-test');
    const id = await createTrigger(fnode.url, target, 'mqtt', `${root}/+/temp`);
    await running(fnode.url, id);
    await client.publishAsync(`${root}/kitchen/temp`, '{"name":"mqtt"}', {
      qos: 1,
      properties: {
        userProperties: { 'x-unit': 'celsius', 'message-id': 'reading-1' },
        contentType: 'application/json',
      },
    });
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.ok(call);
    assert.equal(call.status, 'success', call.error);
    assert.equal(call.payload, '{"name":"mqtt"}');
    assert.equal(header(call, 'x-unit'), 'celsius');
    assert.equal(header(call, 'content-type'), 'application/json');
    assert.equal(header(call, 'fn-event-subject'), `${root}/kitchen/temp`);
    assert.equal(header(call, 'fn-event-id'), 'reading-1');
  });

  it('retries a failing fn and dead-letters it (QoS 0 too)', async () => {
    const target = await createFn(fnode.url, 'fnode-test/crash', {
      annotations: { 'fnode.io/async-retries': 1, 'fnode.io/async-retry-backoff-ms': 100 },
    });
    const topic = `${unique('fnode-test')}/alarm`;
    const id = await createTrigger(fnode.url, target, 'mqtt', topic, { 'fnode.io/mqtt-qos': 0 });
    await running(fnode.url, id);
    await client.publishAsync(topic, 'boom', { qos: 0 });
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
});
