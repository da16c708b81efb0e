// cron triggers: a per-second schedule fires the fn; ticks are keyed so a tick makes one call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CronSource } from '../../src/events/index.js';
import { cronSchedule, type Trigger } from '../../src/models/index.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { callsOf, createTrigger, finalCalls, header, triggerStatus } from './helpers.js';

const docker = dockerAvailable();

describe('cron schedules', () => {
  it('reads 5 fields as minutes and 6 with seconds first, in the time zone given', () => {
    const from = new Date('2026-12-04T10:00:00.500Z');
    assert.equal(
      cronSchedule('*/5 * * * * *', 'UTC').nextRun(from)?.toISOString(),
      '2026-12-04T10:00:05.000Z',
    );
    assert.equal(cronSchedule('*/5 * * * *', 'UTC').nextRun(from)?.toISOString(), '2026-12-04T10:05:00.000Z');
    // 03:00 in Paris in winter is 02:00 UTC.
    assert.equal(
      cronSchedule('0 3 * * *', 'Europe/Paris').nextRun(from)?.toISOString(),
      '2026-12-05T02:00:00.000Z',
    );
  });

  it('fires each tick once with the key cron:<trigger>:<tick>, after the tick by the injected clock', async () => {
    let now = Date.parse('2026-12-04T10:00:00.900Z');
    const fired: { key: string | undefined; time: string | undefined }[] = [];
    const trigger: Trigger = {
      id: 'trig1',
      name: 'tick',
      app_id: 'a',
      fn_id: 'f',
      type: 'cron',
      source: '* * * * * *',
      created_at: '',
      updated_at: '',
    };
    const source = new CronSource({
      trigger,
      url: '',
      deliver: async (m) => {
        fired.push({ key: m.key, time: m.headers['fn-event-time'] });
      },
      nodeId: 'n',
      nodeName: 'n',
      onError: () => {},
      redeliverMs: 1000,
      // The clock runs ahead by a second each time it is read after a tick.
      now: () => now,
    });
    await source.start();
    assert.equal((await source.status()).next_fire_at, '2026-12-04T10:00:01.000Z');
    now = Date.parse('2026-12-04T10:00:01.000Z');
    await eventually(() => (fired.length >= 1 ? true : undefined), 3000);
    await source.stop();
    assert.deepEqual(fired[0], {
      key: 'cron:trig1:2026-12-04T10:00:01.000Z',
      time: '2026-12-04T10:00:01.000Z',
    });
  });
});

describe('cron triggers', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode();
  });
  after(async () => {
    await fnode?.stop();
  });

  it('runs the fn every second as async calls with the tick in the headers; a deleted trigger stops', async () => {
    const target = await createFn(fnode.url, 'fnode-test/hello');
    const id = await createTrigger(fnode.url, target, 'cron', '* * * * * *');
    const status = await triggerStatus(fnode.url, id);
    assert.ok(status.next_fire_at, 'the status shows the next tick');
    const calls = await finalCalls(fnode.url, target.fnId, 2, 20_000);
    for (const c of calls) {
      assert.equal(c.status, 'success', c.error);
      assert.equal(c.trigger_id, id);
      assert.equal(header(c, 'fn-event-type'), 'cron');
      assert.match(header(c, 'fn-event-time') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
    const ticks = new Set(calls.map((c) => header(c, 'fn-event-time')));
    assert.equal(ticks.size, calls.length, 'one call per tick');
    assert.equal((await http(fnode.url, 'DELETE', `/v2/triggers/${id}`)).status, 204);
    // Within a few seconds no more calls come.
    let before = -1;
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const n = (await callsOf(fnode.url, target.fnId)).length;
      const settled = n === before;
      before = n;
      return settled ? true : undefined;
    }, 15_000);
  });
});
