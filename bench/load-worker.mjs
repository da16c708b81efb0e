// Plain JavaScript so a worker thread can load it without a TypeScript loader.
// A load generator on its own thread, so the client's work does not share the event loop
// (and core) with the server it measures.
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

/** @type {import('./stats.js').LoadJob} */
const job = workerData;
const expected = job.status ?? 200;
const pool = new Pool(job.origin, {
  connections: job.concurrency,
  ...(job.socketPath ? { socketPath: job.socketPath } : {}),
});
/** @type {number[]} */
const latencies = [];
let errors = 0;
const start = performance.now();
const end = start + job.durationMs;
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const res = await pool.request({
          path: job.path,
          method: 'POST',
          headers: job.headers,
          body: job.body,
        });
        await res.body.arrayBuffer();
        if (res.statusCode !== expected) errors++;
        latencies.push(performance.now() - t);
      } catch {
        // No response (reset, refused): counted, and the loop goes on until the deadline.
        errors++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }),
);
const seconds = (performance.now() - start) / 1000;
await pool.close();
parentPort?.postMessage({ latencies, seconds, errors });
