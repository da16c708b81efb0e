import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentCall } from '../../src/agent/function-spec.js';
import { httpStreamProtocol } from '../../src/agent/http-stream-protocol.js';
import { SlotQueue, type Waiter } from '../../src/agent/slot-queue.js';
import { testSpec } from './test-spec.js';

function waiter(id: string, since: number, background: boolean): Waiter {
  return { call: { id, background } as AgentCall, since } as Waiter;
}

describe('a container line (SlotQueue)', () => {
  it('puts a sync call before the async calls that have waited less than a second', () => {
    const q = new SlotQueue(testSpec(), httpStreamProtocol(0));
    const now = 10_000;
    q.addWaiter(waiter('old-async', now - 2500, true));
    q.addWaiter(waiter('sync-1', now - 900, false));
    q.addWaiter(waiter('young-async-1', now - 500, true));
    q.addWaiter(waiter('young-async-2', now - 100, true));
    q.addWaiter(waiter('sync-2', now, false));
    assert.deepEqual(
      q.waiters.map((w) => w.call.id),
      ['old-async', 'sync-1', 'sync-2', 'young-async-1', 'young-async-2'],
    );
    assert.equal(q.oldestWaitSince(), now - 2500);
  });

  it('keeps async calls in arrival order among themselves', () => {
    const q = new SlotQueue(testSpec(), httpStreamProtocol(0));
    for (let i = 0; i < 4; i++) q.addWaiter(waiter(`a${i}`, 1000 + i, true));
    assert.deepEqual(
      q.waiters.map((w) => w.call.id),
      ['a0', 'a1', 'a2', 'a3'],
    );
  });
});
