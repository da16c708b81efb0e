// Issue 18: how fast a backlog of async calls of a fast fn drains, against sync calls of the
// same fn at the same client concurrency, in the same run on the same server.
import type { Fnode } from '../../src/app/index.js';
import type { Call } from '../../src/models/index.js';
import { isFinalStatus } from '../../src/models/index.js';
import { loadInWorker, summarize } from '../stats.js';

export interface DrainResult {
  syncRate: number;
  backlog: number;
  /** Calls a second from the first call's start to the last one's end. */
  drainRate: number;
  failed: number;
  /** The async runner's most calls in flight at once, sampled. */
  maxInflight: number;
}

const CONCURRENCY = 8;

async function allCalls(fnode: Fnode, fnId: string): Promise<Call[]> {
  const out: Call[] = [];
  let cursor: string | undefined;
  do {
    const page = await fnode.datastore.getCalls({ fnId, perPage: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Builds the backlog with calls delayed so that they all fall due at one moment, then waits for
 * the runner to take them all to a final state.
 */
export async function measureDrain(
  fnode: Fnode,
  fnId: string,
  opts: { backlog: number; syncMs: number },
): Promise<DrainResult> {
  const sync = summarize(
    await loadInWorker('sync', {
      origin: fnode.url,
      path: `/invoke/${fnId}`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      concurrency: CONCURRENCY,
      durationMs: opts.syncMs,
    }),
  );
  const asyncFn = fnId;
  const dueAt = Date.now() + 5000 + opts.backlog / 2;
  const post = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const delay = Math.max(1, Math.ceil((dueAt - Date.now()) / 1000));
      const res = await fetch(`${fnode.url}/invoke/${asyncFn}`, {
        method: 'POST',
        body: '{}',
        headers: {
          'content-type': 'application/json',
          'fn-invoke-type': 'async',
          'fn-async-delay': String(delay),
        },
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`async invoke: ${res.status}`);
    }
  };
  const per = Math.ceil(opts.backlog / CONCURRENCY);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) => post(Math.min(per, opts.backlog - i * per))),
  );
  let maxInflight = 0;
  for (;;) {
    maxInflight = Math.max(maxInflight, fnode.runner?.active ?? 0);
    if (Date.now() > dueAt + 1000 && (fnode.runner?.active ?? 0) === 0) {
      const calls = await allCalls(fnode, fnId);
      const asyncCalls = calls.filter((c) => c.type === 'async');
      if (asyncCalls.length >= opts.backlog && asyncCalls.every((c) => isFinalStatus(c.status))) {
        const starts = asyncCalls.map((c) => Date.parse(c.started_at ?? c.completed_at ?? ''));
        const ends = asyncCalls.map((c) => Date.parse(c.completed_at ?? ''));
        const seconds = (Math.max(...ends) - Math.min(...starts)) / 1000;
        return {
          syncRate: sync.rate,
          backlog: asyncCalls.length,
          drainRate: asyncCalls.length / seconds,
          failed: asyncCalls.filter((c) => c.status !== 'success').length,
          maxInflight,
        };
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
