// Plain JavaScript run on the built code (dist/), as `fnode start` is.
// A prototype of fnode's data plane in several processes, for bench/workers.ts only: the primary
// runs the migrations once, then forks BENCH_WORKERS node:cluster workers that each start a whole
// fnode on the same port (the primary hands each connection to one worker) and SQLite file (WAL).
// Each worker gets its share of the memory budget and a container label tag of its own, as a
// starting server removes the containers of its tag it did not start. Only worker 0 polls the
// async queue at the configured rate, as if it alone ran the async runner.
import cluster from 'node:cluster';
import { loadConfig } from '../../dist/src/config/index.js';

const workers = Number(process.env.BENCH_WORKERS ?? 2);

if (cluster.isPrimary) {
  const config = loadConfig(process.env);
  const { createDatastore } = await import('../../dist/src/datastore/index.js');
  await (await createDatastore(config.dbUrl)).close();
  const memory = Math.floor(config.agent.maxTotalMemoryBytes / workers);
  for (let i = 0; i < workers; i++) {
    cluster.fork({
      FN_CONTAINER_LABEL_TAG: `${config.agent.containerLabelTag}-w${i}`,
      FN_MAX_TOTAL_MEMORY_BYTES: String(memory),
      ...(i > 0 ? { FNODE_ASYNC_POLL_MSECS: '3600000' } : {}),
    });
  }
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  cluster.on('exit', () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
} else {
  const { startFnode } = await import('../../dist/src/app/index.js');
  const fnode = await startFnode({ config: loadConfig(process.env) });
  process.once('SIGTERM', () => fnode.close().then(() => process.exit(0)));
  // The primary relays a terminal's Ctrl-C as SIGTERM.
  process.once('SIGINT', () => {});
}
