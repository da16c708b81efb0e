// A 20 ms I/O-bound function (fnode-test/sleep) at concurrency 8 and 32, with and without the
// annotation `fnode.io/max-concurrency: 32`, against one of its containers driven directly on
// its socket at the same concurrency (the FDK serves concurrent requests on one socket).
import { createApp, createFn, warm } from './api.js';
import { containersOf, socketOf } from './docker.js';
import { direct, http, type Measured, measure } from './load.js';
import { type Row, vsFloor } from './report.js';
import type { Server } from './server.js';

const IMAGE = 'fnode-test/sleep';
const BODY = '20';
const CT = 'text/plain';
const MAX_CONCURRENCY = 'fnode.io/max-concurrency';

export async function sleepRows(fnode: Server, durationMs: number): Promise<Row[]> {
  const appId = await createApp(fnode.api, 'bench-sleep');
  const plain = (await createFn(fnode.api, { appId, name: 'sleep', image: IMAGE, idleTimeout: 3600 }))!;
  await warm(fnode.api, plain, BODY, CT);
  const shared = await createFn(fnode.api, {
    appId,
    name: 'sleep-shared',
    image: IMAGE,
    idleTimeout: 3600,
    annotations: { [MAX_CONCURRENCY]: 32 },
  });
  if (shared) await warm(fnode.api, shared, BODY, CT);
  const socket = socketOf(fnode.tag, plain);

  const concurrencies = [8, 32];
  const floors = new Map<number, Measured>();
  for (const c of concurrencies) {
    floors.set(c, await measure(`sleep direct, c=${c}`, direct(socket, CT), BODY, c, durationMs));
  }
  // The shared fn first: the plain fn's many containers would stay idle around it otherwise.
  const steps = new Map<string, { m: Measured; hot: number }>();
  for (const [name, fnId] of [
    ['shared', shared],
    ['plain', plain],
  ] as const) {
    if (!fnId) continue;
    for (const c of concurrencies) {
      const m = await measure(
        `sleep ${name}, c=${c}`,
        http(fnode.url, `/invoke/${fnId}`, CT),
        BODY,
        c,
        durationMs,
      );
      steps.set(`${name}${c}`, { m, hot: containersOf(fnode.tag, fnId).length });
    }
  }

  const rows: Row[] = [];
  for (const c of concurrencies) {
    const floor = floors.get(c)!;
    const p = steps.get(`plain${c}`)!;
    const s = steps.get(`shared${c}`);
    rows.push({ label: `sleep 20 ms: direct socket, c=${c}`, m: floor, vsFloor: 'floor' });
    rows.push({ label: `sleep 20 ms: fnode, c=${c}`, ...p, vsFloor: vsFloor(p.m, floor) });
    const label = `sleep 20 ms: fnode, ${MAX_CONCURRENCY} 32, c=${c}`;
    const goal =
      c === 32
        ? { target: '>= 90 % req/s, hot <= 2', ...(s && { ok: s.m.rate >= 0.9 * floor.rate && s.hot <= 2 }) }
        : {};
    rows.push(
      s
        ? { label, ...s, vsFloor: vsFloor(s.m, floor), ...goal }
        : { label, na: 'n/a (not supported)', ...goal },
    );
  }
  return rows;
}
