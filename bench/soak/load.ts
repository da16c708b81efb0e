// The soak's mixed load: loops of small fixed concurrency, one per kind of call, all until the
// same deadline. Paced loops measure their period from start to start, so a slow answer is not
// made up for with a burst after it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { createApp, createFn, send, warm } from '../invoke/api.js';
import type { Tally } from './tally.js';

/** The fn id of each kind of call. */
export interface SoakFns {
  hot: string;
  cold: string;
  async: string;
  crash: string;
  timeout: string;
}

export interface LoadPlan {
  pool: Pool;
  fns: SoakFns;
  tally: Tally;
  /** performance.now() at which every loop stops starting calls. */
  endAt: number;
  /** Async calls a second (a loop that enqueues as fast as it is answered only grows a backlog). */
  asyncPerSec: number;
  /** Every accepted async call's id, appended as they are accepted. */
  asyncIds: string[];
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** The app and fns of the load, their containers started (but the crashing one's). */
export async function createSoakFns(pool: Pool, appName: string): Promise<SoakFns> {
  const appId = await createApp(pool, appName);
  const fn = async (name: string, image: string, opts: { timeout?: number; idleTimeout?: number } = {}) => {
    const id = await createFn(pool, { appId, name, image, ...opts });
    if (!id) throw new Error(`fn ${name} was refused`);
    return id;
  };
  const fns: SoakFns = {
    hot: await fn('hot', 'fnode-test/hello'),
    // Each config's container leaves a second after its call rather than 30 s: how many run when
    // the figures are taken then hardly depends on where they fall in the 15 s cycle.
    cold: await fn('cold', 'fnode-test/hello', { idleTimeout: 1 }),
    async: await fn('async', 'fnode-test/hello'),
    crash: await fn('crash', 'fnode-test/crash'),
    timeout: await fn('timeout', 'fnode-test/sleep', { timeout: 1 }),
  };
  await warm(pool, fns.hot, '{}', 'application/json');
  await warm(pool, fns.async, '{}', 'application/json');
  await warm(pool, fns.timeout, '1', 'text/plain');
  return fns;
}

export async function runLoad(plan: LoadPlan): Promise<void> {
  const { pool, fns, tally, endAt } = plan;
  let lastHost: string | undefined;
  let generation = 0;
  let apps = 0;
  await Promise.all([
    // Hot: the fast fn in a closed loop at c=2.
    ...[0, 1].map(() =>
      every(0, endAt, () =>
        tally.time('hot', async () => String((await invoke(pool, fns.hot, '{}')).status)),
      ),
    ),
    // Cold: a new config value, which needs a new container, then a call that shows whose it is.
    every(15_000, endAt, async () => {
      const value = String(++generation);
      await tally.time('fn update', async () => {
        const res = await send(pool, 'PUT', `/v2/fns/${fns.cold}`, { config: { FOO: value } });
        return String(res.status);
      });
      await tally.time('cold', async () => {
        const res = await invoke(pool, fns.cold, '{}');
        if (res.status !== 200) return String(res.status);
        const body = JSON.parse(res.text) as { hostname: string; config: { FOO?: string } };
        const fresh = body.hostname !== lastHost;
        lastHost = body.hostname;
        if (body.config.FOO !== value) return '200 old config';
        return fresh ? '200 new container' : '200 same container';
      });
    }),
    every(1000 / plan.asyncPerSec, endAt, () =>
      tally.time('async', async () => {
        const res = await invoke(pool, fns.async, '{}', { 'fn-invoke-type': 'async' });
        if (res.status === 202) plan.asyncIds.push((JSON.parse(res.text) as { call_id: string }).call_id);
        return String(res.status);
      }),
    ),
    every(5000, endAt, () =>
      tally.time('crash', async () => String((await invoke(pool, fns.crash, 'x')).status)),
    ),
    // 2000 ms of sleep against a 1 s timeout.
    every(5000, endAt, () =>
      tally.time('timeout', async () => String((await invoke(pool, fns.timeout, '2000')).status)),
    ),
    every(1000, endAt, async () => {
      let id: string | undefined;
      await tally.time('app create', async () => {
        const res = await send(pool, 'POST', '/v2/apps', { name: `soak-churn-${++apps}` });
        if (res.status === 200) id = (JSON.parse(res.text) as { id: string }).id;
        return String(res.status);
      });
      if (id)
        await tally.time('app delete', async () =>
          String((await send(pool, 'DELETE', `/v2/apps/${id}`)).status),
        );
    }),
  ]);
}

async function invoke(pool: Pool, fnId: string, body: string, headers: Record<string, string> = {}) {
  const res = await pool.request({
    path: `/invoke/${fnId}`,
    method: 'POST',
    body,
    headers: { ...JSON_TYPE, ...headers },
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** Runs `fn` every `periodMs` (0: again as soon as it is answered) until `endAt`. */
async function every(periodMs: number, endAt: number, fn: () => Promise<void>): Promise<void> {
  while (performance.now() < endAt) {
    const next = performance.now() + periodMs;
    await fn();
    // Not even a 0 ms timer for a closed loop: it would add a tick to every hot call.
    if (periodMs > 0) await sleep(Math.max(0, Math.min(next, endAt) - performance.now()));
  }
}
