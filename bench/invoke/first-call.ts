// The first call of a fn: a new fn (cold: its container starts with the call) against
// `docker run` to the first answer; and a fn created with `fnode.io/min-hot: 1`, called once
// the server has its container hot.
import { createApp, createFn, invoke } from './api.js';
import { bareDockerRun, waitHot } from './docker.js';
import { callHeaders } from './load.js';
import { type Figure, median } from './report.js';
import type { Server } from './server.js';

const IMAGE = 'fnode-test/hello';
const BODY = '{"name":"bench"}';
const CT = 'application/json';
const MIN_HOT = 'fnode.io/min-hot';

const spread = (xs: number[]) =>
  xs.length === 0
    ? 'none'
    : `${median(xs).toFixed(0)} (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

export async function firstCallFigures(fnode: Server, runs: number): Promise<Figure[]> {
  const appId = await createApp(fnode.api, 'bench-first-call');
  const timed = async (fnId: string) => {
    const t = performance.now();
    await invoke(fnode.api, fnId, BODY, CT);
    return performance.now() - t;
  };

  const minHot: number[] = [];
  let na: string | undefined;
  for (let i = 0; i < runs && !na; i++) {
    const fnId = await createFn(fnode.api, {
      appId,
      name: `min-hot-${i}`,
      image: IMAGE,
      annotations: { [MIN_HOT]: 1 },
    });
    if (!fnId) na = 'n/a (not supported)';
    else if (!(await waitHot(fnode.api, fnode.tag, fnId, 10_000))) na = 'n/a (no hot container within 10 s)';
    else minHot.push(await timed(fnId));
  }

  // On a busy machine a start can outlast the server's timeout (a 504): counted, not fatal.
  const cold: number[] = [];
  const failed: string[] = [];
  for (let i = 0; i < runs; i++) {
    const fnId = (await createFn(fnode.api, { appId, name: `cold-${i}`, image: IMAGE }))!;
    await timed(fnId).then(
      (ms) => cold.push(ms),
      (e: Error) => failed.push(e.message.replace(/^invoke \S+ /, '').slice(0, 60)),
    );
  }
  const bare: number[] = [];
  const headers = { ...callHeaders(), 'content-type': CT };
  for (let i = 0; i < runs; i++) bare.push(await bareDockerRun(IMAGE, BODY, headers));
  const ratio = median(cold) / median(bare);

  return [
    { label: `docker run -> first answer, ms (${runs} runs)`, value: spread(bare) },
    {
      label: 'fnode first call of a new fn, ms',
      value: spread(cold) + (failed.length > 0 ? `; ${failed.length} failed: ${failed[0]}` : ''),
    },
    { label: 'cold start vs docker run', value: `${ratio.toFixed(2)}x`, target: '<= 1.2x', ok: ratio <= 1.2 },
    {
      label: `first call of a ${MIN_HOT}: 1 fn, p50 ms`,
      value: minHot.length > 0 ? median(minHot).toFixed(1) : '',
      target: '<= 10 ms',
      ...(na ? { na } : { ok: median(minHot) <= 10 }),
    },
  ];
}
