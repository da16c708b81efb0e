import type { Datastore } from '../datastore/index.js';
import { ASYNC } from './async-call.js';
import type { AsyncCalls } from './async-calls.js';

const PAGE = 500;

/**
 * Re-pushes every queued or delayed async call, so that a call stored by a server that died
 * before its push still runs. Pushes are idempotent: a job already in the queue stays as it is.
 * Returns how many calls were pushed.
 */
export async function reconcileQueue(ds: Datastore, calls: AsyncCalls): Promise<number> {
  let afterId: string | undefined;
  let pushed = 0;
  for (;;) {
    const page = await ds.getCallsByStatus(ASYNC, ['queued', 'delayed'], {
      limit: PAGE,
      ...(afterId ? { afterId } : {}),
    });
    for (const call of page) await calls.push(call);
    pushed += page.length;
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) return pushed;
    afterId = last.id;
  }
}
