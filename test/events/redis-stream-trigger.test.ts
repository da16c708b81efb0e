// redis-stream triggers against the Redis on loopback: each entry becomes an async call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { REDIS_URL, redisUnavailable } from '../helpers/databases.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import {
  callsOf,
  createTrigger,
  finalCalls,
  header,
  responseOf,
  running,
  triggerStatus,
  unique,
} from './helpers.js';

const docker = dockerAvailable();
const down = await redisUnavailable();
if (down && process.env['CI'] === 'true') throw new Error(down);

describe('redis-stream triggers', { skip: (!docker && 'Docker is not reachable') || down || false }, () => {
  let fnode: TestFnode;
  let redis: Redis;
  const keys: string[] = [];
  const stream = () => {
    const k = unique('fnode-test-stream');
    keys.push(k);
    return k;
  };

  before(async () => {
    fnode = await startTestFnode({ FNODE_REDIS_URL: REDIS_URL, FNODE_EVENT_REDELIVER_SECS: '1' });
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    await fnode?.stop();
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
  });

  it('runs the fn for each entry, recorded as a call with the body and the fields as headers; XACKs it', async () => {
    const target = await createFn(fnode.url, 'fnode-test/headers');
    const key = stream();
    const id = await createTrigger(fnode.url, target, 'redis-stream', key);
    await running(fnode.url, id);
    const entryId = await redis.xadd(key, '*', 'body', '{"hello":"redis"}', 'x-order', '42');
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.ok(call);
    assert.equal(call.status, 'success', call.error);
    assert.equal(call.trigger_id, id);
    assert.equal(call.payload, '{"hello":"redis"}');
    assert.equal(header(call, 'x-order'), '42');
    assert.equal(header(call, 'fn-event-type'), 'redis-stream');
    assert.equal(header(call, 'fn-event-id'), entryId);
    // The function saw them too.
    const seen = JSON.parse(await responseOf(fnode.url, target.fnId, call.id)) as {
      headers: Record<string, unknown>;
    };
    assert.match(JSON.stringify(seen.headers).toLowerCase(), /x-order/);
    await eventually(async () => {
      const pending = (await redis.xpending(key, 'fnode')) as [number, ...unknown[]];
      return pending[0] === 0 ? true : undefined;
    });
    const status = await triggerStatus(fnode.url, id);
    assert.equal(status.delivered, 1);
    assert.equal(status.consumer?.['group'], 'fnode');
  });

  it('retries a failing fn and dead-letters it', async () => {
    const target = await createFn(fnode.url, 'fnode-test/crash', {
      annotations: { 'fnode.io/async-retries': 1, 'fnode.io/async-retry-backoff-ms': 100 },
    });
    const key = stream();
    const id = await createTrigger(fnode.url, target, 'redis-stream', key, { 'fnode.io/redis-group': 'g1' });
    await running(fnode.url, id);
    await redis.xadd(key, '*', 'body', 'boom');
    const calls = await finalCalls(fnode.url, target.fnId, 2);
    const sorted = calls.sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
    assert.deepEqual(
      sorted.map((c) => [c.status, c.attempt, c.dead_letter ?? false]),
      [
        ['error', 1, false],
        ['error', 2, true],
      ],
    );
    const dead = await http(fnode.url, 'GET', `/v2/fns/${target.fnId}/dead-letters`);
    assert.equal(dead.json<{ items: unknown[] }>().items.length, 1);
  });

  it('takes over an entry another consumer read and never acknowledged, under the same key', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const key = stream();
    // A consumer that died after reading: the entry stays pending on it.
    await redis.xgroup('CREATE', key, 'fnode', '$', 'MKSTREAM');
    const entryId = await redis.xadd(key, '*', 'body', '{"name":"orphan"}');
    await redis.xreadgroup('GROUP', 'fnode', 'dead-node', 'COUNT', 10, 'STREAMS', key, '>');
    const id = await createTrigger(fnode.url, target, 'redis-stream', key);
    await running(fnode.url, id);
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.equal(call?.status, 'success');
    assert.equal(call && header(call, 'fn-event-id'), entryId);
    await eventually(async () => {
      const pending = (await redis.xpending(key, 'fnode')) as [number, ...unknown[]];
      return pending[0] === 0 ? true : undefined;
    });
    assert.equal((await callsOf(fnode.url, target.fnId)).length, 1);
  });

  it('reconnects after Redis drops its connection, and delivers what came meanwhile', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const key = stream();
    const id = await createTrigger(fnode.url, target, 'redis-stream', key);
    await running(fnode.url, id);
    // Only this trigger's connection, found by its name: other clients of this Redis are left alone.
    const list = String(await redis.client('LIST'));
    const mine = list
      .split('\n')
      .filter((l) => l.includes(`name=fnode-events-${id}`))
      .map((l) => /addr=(\S+)/.exec(l)?.[1])
      .filter((a): a is string => !!a);
    assert.equal(mine.length, 1, 'the source has one named connection');
    for (const addr of mine) assert.equal(await redis.client('KILL', addr), 'OK');
    // A new connection of the same name: the source connected again.
    await eventually(async () => {
      const now = String(await redis.client('LIST'))
        .split('\n')
        .filter((l) => l.includes(`name=fnode-events-${id}`));
      return now.length === 1 && !now[0]?.includes(`addr=${mine[0]} `) ? true : undefined;
    });
    await redis.xadd(key, '*', 'body', '{"name":"after"}');
    const [call] = await finalCalls(fnode.url, target.fnId, 1);
    assert.equal(call?.status, 'success');
    await running(fnode.url, id);
  });

  it('stops reading a deleted trigger within seconds', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const key = stream();
    const id = await createTrigger(fnode.url, target, 'redis-stream', key);
    await running(fnode.url, id);
    assert.equal((await http(fnode.url, 'DELETE', `/v2/triggers/${id}`)).status, 204);
    await eventually(async () => {
      const list = String(await redis.client('LIST'));
      return list.includes(`name=fnode-events-${id}`) ? undefined : true;
    });
    await redis.xadd(key, '*', 'body', 'ignored');
    const groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
    const info = groups[0] ?? [];
    const lag = info[info.indexOf('lag') + 1];
    assert.equal(Number(lag), 1, 'the entry stays unread');
  });
});
