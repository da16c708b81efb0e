import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Call } from '../../src/models/index.js';
import { retryDelayMs } from '../../src/runner/index.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { finalCall, getCall, invokeAsync, listCalls, ms } from './helpers.js';

const docker = dockerAvailable();

const deadLetters = async (base: string, fnId: string): Promise<Call[]> =>
  (await http(base, 'GET', `/v2/fns/${fnId}/dead-letters`)).json<{ items: Call[] }>().items;

describe('retry backoff', () => {
  it('doubles per attempt with up to 50 % jitter on top, never below the backoff', () => {
    const s = { retries: 3, backoffMs: 1000, maxEventAgeSecs: 0 };
    assert.equal(retryDelayMs(s, 1, 0), 1000);
    assert.equal(retryDelayMs(s, 1, 1), 1500);
    assert.equal(retryDelayMs(s, 2, 0), 2000);
    assert.equal(retryDelayMs(s, 3, 0.5), 5000);
  });
});

describe('async retries and dead letters', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  before(async () => {
    fnode = await startTestFnode();
  });
  after(async () => {
    await fnode?.stop();
  });

  it('retries a failing call as new calls with backoff, then dead-letters the last; redrive runs it again', async () => {
    const backoff = 400;
    const { fnId } = await createFn(fnode.url, 'fnode-test/crash', {
      annotations: { 'fnode.io/async-retries': 2, 'fnode.io/async-retry-backoff-ms': backoff },
    });
    const first = await invokeAsync(fnode.url, fnId, 'boom');
    const chain = await eventually(async () => {
      const calls = (await listCalls(fnode.url, fnId)).sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
      return calls.length === 3 && calls.every((c) => c.status === 'error') ? calls : undefined;
    }, 30_000);
    assert.deepEqual(
      chain.map((c) => c.attempt),
      [1, 2, 3],
    );
    assert.equal(chain[0]?.id, first);
    for (const [i, c] of chain.entries()) {
      assert.equal(c.runs, 1);
      assert.ok(c.error && c.error.length > 0, 'the error is recorded');
      assert.equal(c.reason, 'bad_exit');
      assert.equal(c.event_at, chain[0]?.created_at, 'the event time is kept');
      const prev = chain[i - 1];
      if (!prev) continue;
      assert.equal(c.retry_of, prev.id);
      const gap = ms(c.started_at) - ms(prev.completed_at);
      assert.ok(gap >= backoff * 2 ** (i - 1), `attempt ${i + 1} started ${gap} ms after attempt ${i}`);
    }
    assert.deepEqual(
      chain.map((c) => c.dead_letter ?? false),
      [false, false, true],
    );
    const dead = await deadLetters(fnode.url, fnId);
    assert.deepEqual(
      dead.map((c) => c.id),
      [chain[2]?.id],
    );

    // Redrive with no more retries: one new call, linked, dead-lettered again when it fails.
    await http(fnode.url, 'PUT', `/v2/fns/${fnId}`, { annotations: { 'fnode.io/async-retries': '' } });
    const r = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/${chain[2]?.id}/redrive`);
    assert.equal(r.status, 202);
    const redriven = r.json<{ call_id: string }>().call_id;
    assert.notEqual(redriven, chain[2]?.id);
    assert.equal(r.headers['fn-call-id'], redriven);
    const again = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/${chain[2]?.id}/redrive`);
    assert.equal(again.status, 409, 'a call is redriven once');
    const call = await finalCall(fnode.url, fnId, redriven);
    assert.equal(call.status, 'error');
    assert.equal(call.retry_of, chain[2]?.id);
    assert.equal(call.attempt, 1);
    assert.equal((await getCall(fnode.url, fnId, chain[2]?.id ?? '')).dead_letter, undefined);
    assert.deepEqual(
      (await deadLetters(fnode.url, fnId)).map((c) => c.id),
      [redriven],
    );
    const notDead = await http(fnode.url, 'POST', `/v2/fns/${fnId}/calls/${chain[0]?.id}/redrive`);
    assert.equal(notDead.status, 409);
    assert.equal(
      notDead.json<{ message: string }>().message,
      'Call is not a dead letter: only dead-lettered calls can be redriven',
    );
  });

  it('dead-letters an event older than fnode.io/async-max-event-age-secs without running it', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/hello', {
      annotations: { 'fnode.io/async-max-event-age-secs': 1 },
    });
    const id = await invokeAsync(fnode.url, fnId, '{}', { 'fn-async-delay': '2' });
    const call = await finalCall(fnode.url, fnId, id);
    assert.equal(call.status, 'error');
    assert.match(call.error ?? '', /^event expired/);
    assert.equal(call.dead_letter, true);
    assert.equal(call.runs, undefined, 'it never ran');
  });

  it('stops retrying when the next attempt would be past the max event age', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/crash', {
      annotations: {
        'fnode.io/async-retries': 5,
        'fnode.io/async-retry-backoff-ms': 1500,
        'fnode.io/async-max-event-age-secs': 2,
      },
    });
    await invokeAsync(fnode.url, fnId, 'boom');
    const calls = await eventually(async () => {
      const all = await listCalls(fnode.url, fnId);
      return all.some((c) => c.dead_letter) ? all : undefined;
    }, 20_000);
    assert.ok(calls.length < 6, `${calls.length} attempts, fewer than 1 + retries`);
    // A next attempt is stored with the failure that schedules it (one transaction), so once the
    // dead letter is stored, every attempt there will be is: all final, the dead letter last.
    const dead = calls.find((c) => c.dead_letter);
    assert.equal(dead?.attempt, calls.length, 'the dead letter is the last attempt');
    for (const c of calls)
      assert.ok(['error', 'timeout', 'success'].includes(c.status), `${c.id} is ${c.status}`);
  });
});
