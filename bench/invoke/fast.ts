// A fast function (fnode-test/hello) at concurrency 1, 8 and 32, against two floors measured
// in the same step: its own hot container on its socket, and a bare Node proxy in front of it.
import { createApp, createFn, warm } from './api.js';
import { containersOf, socketOf } from './docker.js';
import { callHeaders, direct, http, type Measured, measure, type Target } from './load.js';
import { spawnBareProxy, stopChild } from './process.js';
import { type Row, vsFloor } from './report.js';
import type { Server } from './server.js';

const IMAGE = 'fnode-test/hello';
const BODY = '{"name":"bench"}';
const CT = 'application/json';

/** A warmed hello fn on a server; the idle timeout outlasts any floor step. */
async function hotFn(server: Server): Promise<string> {
  const appId = await createApp(server.api, 'bench');
  const id = (await createFn(server.api, { appId, name: 'hello', image: IMAGE, idleTimeout: 3600 }))!;
  await warm(server.api, id, BODY, CT);
  return id;
}

/** `exact` (FNODE_EXACT_CALL_LOGS=true) gets rows at c=1 and 8 only. */
export async function fastRows(fnode: Server, exact: Server | undefined, durationMs: number): Promise<Row[]> {
  const fnId = await hotFn(fnode);
  const exactFnId = exact && (await hotFn(exact));
  const socket = socketOf(fnode.tag, fnId);
  const proxy = await spawnBareProxy(socket, callHeaders());
  const rows: Row[] = [];
  let rateAt8 = Number.NaN;
  try {
    for (const c of [1, 8, 32]) {
      const step = (name: string, target: Target) => measure(`${name}, c=${c}`, target, BODY, c, durationMs);
      const floor = await step('direct socket', direct(socket, CT));
      const bare = await step('bare proxy', http(proxy.url, '/', CT));
      const ours = await step('fnode', http(fnode.url, `/invoke/${fnId}`, CT));
      const hot = containersOf(fnode.tag, fnId).length;
      rows.push({ label: `hello: direct socket, c=${c}`, m: floor, vsFloor: 'floor' });
      rows.push({ label: `hello: bare Node proxy, c=${c}`, m: bare, vsFloor: vsFloor(bare, floor) });
      if (c === 8) rateAt8 = ours.rate;
      const goal = targetAt(c, { floor, bare, ours, hot, rateAt8 });
      rows.push({ label: `hello: fnode, c=${c}`, m: ours, hot, vsFloor: vsFloor(ours, floor), ...goal });
      if (exact && exactFnId && c <= 8) {
        const m = await step('fnode exact logs', http(exact.url, `/invoke/${exactFnId}`, CT));
        rows.push({ label: `  FNODE_EXACT_CALL_LOGS=true`, m, vsFloor: vsFloor(m, floor) });
      }
    }
  } finally {
    await stopChild(proxy.child);
  }
  return rows;
}

interface Step {
  floor: Measured;
  bare: Measured;
  ours: Measured;
  hot: number;
  rateAt8: number;
}

/** The targets for the fast fn. */
function targetAt(c: number, { floor, bare, ours, hot, rateAt8 }: Step): Pick<Row, 'target' | 'ok'> {
  if (c === 1) {
    const extra = ours.p50 - bare.p50;
    return { target: `added p50 <= bare's +0.1 ms (${extra.toFixed(3)})`, ok: extra <= 0.1 };
  }
  if (c === 8) {
    return { target: '>= 14 % req/s, p99 <= 5 ms', ok: ours.rate >= 0.14 * floor.rate && ours.p99 <= 5 };
  }
  return {
    target: 'req/s >= c=8, p99 <= 20 ms, hot <= 4',
    ok: ours.rate >= rateAt8 && ours.p99 <= 20 && hot <= 4,
  };
}
