// Event trigger types through the v2 triggers API: what is accepted, what answers 400 and why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFn, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { unique } from './helpers.js';

describe('event trigger validation', () => {
  let fnode: TestFnode;
  let target: { appId: string; appName: string; fnId: string };
  before(async () => {
    // No trigger here reaches a broker: bad URLs keep the sources of accepted ones idle.
    fnode = await startTestFnode({
      FNODE_NATS_URL: 'nats://127.0.0.1:9',
      FNODE_AMQP_URL: 'amqp://127.0.0.1:9',
      FNODE_MQTT_URL: 'mqtt://127.0.0.1:9',
      FNODE_REDIS_URL: 'redis://127.0.0.1:9',
    });
    target = await createFn(fnode.url, 'fnode-test/hello');
  });
  after(async () => {
    await fnode?.stop();
  });

  const post = (type: string, source: string, annotations?: Record<string, unknown>) =>
    http(fnode.url, 'POST', '/v2/triggers', {
      name: unique('t'),
      app_id: target.appId,
      fn_id: target.fnId,
      type,
      source,
      ...(annotations ? { annotations } : {}),
    });

  const refused: [string, string, Record<string, unknown> | undefined, RegExp][] = [
    [
      'cron',
      '* * * *',
      undefined,
      /Invalid cron trigger source "\* \* \* \*": a cron expression has 5 fields .* not 4/,
    ],
    ['cron', '61 * * * *', undefined, /Invalid cron trigger source "61 \* \* \* \*"/],
    ['cron', '* * * * * * *', undefined, /not 7/],
    [
      'cron',
      '0 3 * * *',
      { 'fnode.io/cron-tz': 'Mars/Olympus' },
      /fnode.io\/cron-tz: unknown time zone "Mars\/Olympus"/,
    ],
    ['nats', 'orders..created', undefined, /Invalid nats trigger source "orders..created": .*empty token/],
    ['nats', 'orders.>.x', undefined, /'>' stands alone as the last token/],
    ['nats', 'orders.cre*', undefined, /'\*' stands alone/],
    ['nats', 'a b', undefined, /no whitespace/],
    ['nats', 'a.b', { 'fnode.io/nats-durable': 'd' }, /fnode.io\/nats-durable: needs fnode.io\/nats-stream/],
    [
      'amqp',
      'orders.*',
      undefined,
      /Invalid amqp trigger source "orders.\*": a wildcard is not allowed here/,
    ],
    ['amqp', 'amq.gen-x', undefined, /reserved/],
    ['mqtt', 'sensors/#/temp', undefined, /'#' stands alone as the last level/],
    ['mqtt', 'sensors/a+/temp', undefined, /'\+' stands alone as a level/],
    ['mqtt', 'sensors/+/temp', { 'fnode.io/mqtt-qos': 3 }, /fnode.io\/mqtt-qos: must be 0, 1 or 2/],
    [
      'redis-stream',
      'events:*',
      undefined,
      /Invalid redis-stream trigger source "events:\*": a wildcard is not allowed/,
    ],
    ['redis-stream', 'k', { 'fnode.io/redis-group': '' }, /Invalid annotation/],
    [
      'nats',
      'a.b',
      { 'fnode.io/broker-url': 'nats://user:secret@127.0.0.1:4222' },
      /credentials are not accepted/,
    ],
    [
      'amqp',
      'q',
      { 'fnode.io/broker-url': 'redis://127.0.0.1:6379' },
      /amqp triggers take amqp:\/\/, amqps:\/\/ URLs/,
    ],
    ['cron', '', undefined, /Missing Trigger Source/],
    ['http', 'no-slash', undefined, /Missing Trigger Source Prefix/],
    ['kafka', 'x', undefined, /Trigger Type Not Supported/],
  ];

  for (const [type, source, annotations, message] of refused) {
    it(`answers 400 for ${type} ${JSON.stringify(source)}${annotations ? ` with ${JSON.stringify(annotations)}` : ''}`, async () => {
      const r = await post(type, source, annotations);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json<{ message: string }>().message, message);
    });
  }

  it('accepts each type with a valid source, 5- and 6-field cron, and wildcards where the broker has them', async () => {
    for (const [type, source, annotations] of [
      ['cron', '0 3 * * *', { 'fnode.io/cron-tz': 'Europe/Paris' }],
      ['cron', '*/5 * * * * *', undefined],
      ['nats', 'orders.*.created.>', undefined],
      ['nats', 'orders.js', { 'fnode.io/nats-stream': 'S', 'fnode.io/nats-durable': 'D' }],
      ['amqp', 'orders', { 'fnode.io/amqp-exchange': 'shop', 'fnode.io/amqp-binding-key': 'orders.#' }],
      ['mqtt', 'sensors/+/temp', { 'fnode.io/mqtt-qos': 2 }],
      ['mqtt', '/leading/slash/#', undefined],
      ['redis-stream', 'events:orders', { 'fnode.io/redis-group': 'workers' }],
      ['redis-stream', 'k2', { 'fnode.io/broker-url': 'redis://127.0.0.1:6380/2' }],
    ] as const) {
      const r = await post(type, source, annotations);
      assert.equal(r.status, 200, `${type} ${source}: ${r.text}`);
      const t = r.json<{ type: string; source: string; annotations?: Record<string, unknown> }>();
      assert.equal(t.type, type);
      assert.equal(t.source, source);
      // Only http triggers have an endpoint.
      assert.equal(t.annotations?.['fnproject.io/trigger/httpEndpoint'], undefined);
    }
  });

  it('validates an update against the stored type', async () => {
    const r = await post('cron', '0 * * * *');
    const id = r.json<{ id: string }>().id;
    const bad = await http(fnode.url, 'PUT', `/v2/triggers/${id}`, { source: 'every minute' });
    assert.equal(bad.status, 400);
    assert.match(bad.json<{ message: string }>().message, /Invalid cron trigger source "every minute"/);
    const good = await http(fnode.url, 'PUT', `/v2/triggers/${id}`, { source: '30 * * * *' });
    assert.equal(good.status, 200, good.text);
  });

  it('never invokes a non-http trigger over /t, even with a path-like source', async () => {
    const r = await post('mqtt', '/pathlike');
    assert.equal(r.status, 200, r.text);
    const call = await http(fnode.url, 'POST', `/t/${target.appName}/pathlike`, '{}');
    assert.equal(call.status, 404);
  });

  it('shows the next fire time of a cron trigger and the state of a broker trigger', async () => {
    const cron = await post('cron', '0 3 * * 1-5', { 'fnode.io/cron-tz': 'Asia/Tokyo' });
    assert.equal(cron.status, 200, cron.text);
    const id = cron.json<{ id: string }>().id;
    const s = await http(fnode.url, 'GET', `/v2/triggers/${id}/status`);
    assert.equal(s.status, 200, s.text);
    const next = s.json<{ next_fire_at: string }>().next_fire_at;
    // 03:00 in Tokyo is 18:00 UTC.
    assert.match(next, /T18:00:00\.000Z$/);
    const nats = await post('nats', 'status.check');
    const ns = await http(fnode.url, 'GET', `/v2/triggers/${nats.json<{ id: string }>().id}/status`);
    assert.equal(ns.status, 200, ns.text);
    assert.notEqual(ns.json<{ state: string }>().state, 'running', 'no NATS listens on port 9');
    const missing = await http(fnode.url, 'GET', '/v2/triggers/01JAAAAAAAAAAAAAAAAAAAAAAA/status');
    assert.equal(missing.status, 404);
  });
});
