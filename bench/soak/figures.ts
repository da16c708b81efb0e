// What the soak watches on the server: memory, event-loop delay, file descriptors, hot
// containers and what its database keeps.
import { readdirSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { gauges } from '../invoke/api.js';
import { tagged } from '../invoke/docker.js';
import { statusMiB } from '../invoke/process.js';
import type { Server } from '../invoke/server.js';

export interface Figures {
  rssMiB: number;
  /** Of the RSS: anonymous memory (heaps, malloc), and pages of files and shared memory. */
  rssAnonMiB: number;
  rssFileMiB: number;
  /** V8's heap and memory outside it, to tell a JS leak from native memory (SQLite, buffers). */
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  /** Of the event-loop delay since the previous scrape of /metrics, which resets it. */
  lagP99Ms: number;
  lagMaxMs: number;
  openFds: number;
  hotContainers: number;
  callRows: number;
  logRows: number;
  mqJobRows: number;
  /** The SQLite file and its write-ahead log. */
  dbMiB: number;
}

/** Each figure's label and the decimals it is printed with. */
export const FigureLabels: Record<keyof Figures, [string, number]> = {
  rssMiB: ['RSS, MiB', 1],
  rssAnonMiB: ['  of which anonymous (heaps, malloc), MiB', 1],
  rssFileMiB: ['  of which files and shared memory, MiB', 1],
  heapUsedMiB: ['V8 heap used, MiB', 1],
  heapTotalMiB: ['V8 heap total, MiB', 1],
  externalMiB: ['V8 external memory, MiB', 1],
  lagP99Ms: ['event-loop delay p99 since the last scrape, ms', 1],
  lagMaxMs: ['event-loop delay max since the last scrape, ms', 1],
  openFds: ['open file descriptors', 0],
  hotContainers: ['running containers', 0],
  callRows: ['rows in calls', 0],
  logRows: ['rows in logs', 0],
  mqJobRows: ['rows in mq_jobs (queued async calls)', 0],
  dbMiB: ['database file and its WAL, MiB', 1],
};

const MiB = 1024 * 1024;
const GAUGES = {
  p99: 'nodejs_eventloop_lag_p99_seconds',
  max: 'nodejs_eventloop_lag_max_seconds',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  external: 'nodejs_external_memory_bytes',
};

/** Reads /metrics, and so starts a new window of event-loop delay. */
export async function scrape(server: Server) {
  const g = await gauges(server.api, Object.values(GAUGES));
  const n = (name: string, scale: number) => (g[name] ?? Number.NaN) * scale;
  return {
    lagP99Ms: n(GAUGES.p99, 1000),
    lagMaxMs: n(GAUGES.max, 1000),
    heapUsedMiB: n(GAUGES.heapUsed, 1 / MiB),
    heapTotalMiB: n(GAUGES.heapTotal, 1 / MiB),
    externalMiB: n(GAUGES.external, 1 / MiB),
  };
}

export async function figures(server: Server): Promise<Figures> {
  const metrics = await scrape(server);
  // Read-only next to the server's own connection: WAL lets it read while the server writes.
  const db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
  const rows = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  try {
    return {
      rssMiB: server.rssMiB(),
      rssAnonMiB: statusMiB(server.pid, 'RssAnon'),
      rssFileMiB: statusMiB(server.pid, 'RssFile') + statusMiB(server.pid, 'RssShmem'),
      ...metrics,
      openFds: readdirSync(`/proc/${server.pid}/fd`).length,
      hotContainers: tagged(server.tag).length,
      callRows: rows('calls'),
      logRows: rows('logs'),
      mqJobRows: rows('mq_jobs'),
      dbMiB: (size(server.dbPath) + size(`${server.dbPath}-wal`)) / MiB,
    };
  } finally {
    db.close();
  }
}
