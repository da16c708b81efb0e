// Plain JavaScript so a worker thread can load it without a TypeScript loader.
// Sends `calls` POSTs from `concurrency` loops, on the parent's signal: the parent reads its event
// loop's utilization right before and after, so only the calls are measured (not this thread's
// start-up).
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

const job = workerData;
const pool = new Pool(job.origin, { connections: job.concurrency });
const post = async () => {
  const res = await pool.request({ path: job.path, method: 'POST', headers: job.headers, body: job.body });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${job.path}: ${res.statusCode} ${body}`);
};
// Warm this thread's connections and code first.
await Promise.all(Array.from({ length: job.concurrency }, post));
parentPort.postMessage({ ready: true });
await new Promise((r) => parentPort.once('message', r));
let left = job.calls;
const start = performance.now();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (left > 0) {
      left--;
      await post();
    }
  }),
);
const ms = performance.now() - start;
parentPort.postMessage({ done: true, ms });
await pool.close();
