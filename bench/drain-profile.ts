// Profiles fnode's main thread while it drains a backlog of async calls of a fast fn (issue 18):
// writes /tmp/drain.cpuprofile for bench/profile-summary.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startFnode } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { measureDrain } from './async/drain.js';

const dir = mkdtempSync(join(tmpdir(), 'fnode-drain-'));
const config = loadConfig(
  {
    FN_PORT: '0',
    FNODE_AUTH: 'off',
    FN_DOCKER_NETWORKS: 'none',
    FN_CONTAINER_LABEL_TAG: `fnode-bench-${randomUUID().slice(0, 8)}`,
    FN_DB_URL: process.env['FN_DB_URL'] ?? `sqlite3://${join(dir, 'fn.db')}`,
    ...(process.env['FN_MQ_URL'] ? { FN_MQ_URL: process.env['FN_MQ_URL'] } : {}),
  },
  dir,
);
const fnode = await startFnode({ config, logger: pino({ level: 'warn' }), host: '127.0.0.1' });
const session = new Session();
session.connect();
try {
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${fnode.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      })
    ).json()) as { id: string };
  const app = await post('/v2/apps', { name: `drain-${randomUUID().slice(0, 8)}` });
  const fn = await post('/v2/fns', { app_id: app.id, name: 'drain', image: 'fnode-test/hello' });
  await (await fetch(`${fnode.url}/invoke/${fn.id}`, { method: 'POST', body: '{}' })).arrayBuffer();
  await session.post('Profiler.enable');
  const result = await measureDrain(fnode, fn.id, {
    backlog: Number(process.env['BENCH_BACKLOG'] ?? 5000),
    syncMs: 3000,
    onDrainStart: () => void session.post('Profiler.start'),
  });
  const { profile } = await session.post('Profiler.stop');
  writeFileSync('/tmp/drain.cpuprofile', JSON.stringify(profile));
  console.log(result);
} finally {
  session.disconnect();
  await fnode.close();
  rmSync(dir, { recursive: true, force: true });
}
