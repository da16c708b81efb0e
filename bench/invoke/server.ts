// An fnode server started as a user starts it: `node dist/bin/fnode.js start` in its own
// process, default configuration but for the port, a fresh SQLite file, network `none` and a
// container label tag of its own (a server removes the containers of its tag it did not start).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, request } from 'undici';
import { removeTagged } from './docker.js';
import { freePort, rssMiB, running, stopChild } from './process.js';

const MAIN = fileURLToPath(new URL('../../dist/bin/fnode.js', import.meta.url));

export interface Server {
  tag: string;
  url: string;
  pid: number;
  /** The server's SQLite file and its log (stdout and stderr), both gone after stop(). */
  dbPath: string;
  logPath: string;
  /** From spawn to the first 200 on GET /version. */
  versionMs: number;
  api: Pool;
  rssMiB(): number;
  /**
   * SIGTERM, SIGKILL if it still runs after `graceMs`; then how it exited. What the server leaves
   * behind stays, for stop() to clear.
   */
  terminate(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the server if it runs, then removes its containers and files. */
  stop(): Promise<void>;
}

/** `command`: the script and arguments run by node, `fnode start` unless given. */
export async function startServer(
  tag: string,
  extraEnv: Record<string, string> = {},
  command: string[] = [MAIN, 'start'],
): Promise<Server> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), 'fnode-bench-invoke-'));
  const port = await freePort();
  const dbPath = join(dir, 'fn.db');
  // The defaults, not whatever FN_*/FNODE_*/OTEL_* the caller's shell happens to set.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(FN_|FNODE_|OTEL_)|^NODE_OPTIONS$/.test(k)),
  );
  // Its log goes to a file, as a user's redirect would (read on failure).
  const logPath = join(dir, 'fnode.log');
  const log = openSync(logPath, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: dir,
    env: {
      ...env,
      FN_PORT: String(port),
      FNODE_AUTH: 'off',
      FN_DB_URL: `sqlite3://${dbPath}`,
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: tag,
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    removeTagged(tag);
    rmSync(dir, { recursive: true, force: true });
  };
  let versionMs: number;
  try {
    versionMs = (await firstVersion(url, child, logPath)) - spawnedAt;
  } catch (e) {
    await stop();
    throw e;
  }
  const api = new Pool(url, { connections: 4 });
  let stopped: Promise<void> | undefined;
  return {
    tag,
    url,
    pid: child.pid!,
    dbPath,
    logPath,
    versionMs,
    api,
    rssMiB: () => rssMiB(child.pid!),
    terminate: async (graceMs) => {
      await stopChild(child, graceMs);
      return { code: child.exitCode, signal: child.signalCode };
    },
    // Once, whoever asks first (the run, or the clean-up after a failure).
    stop: () => {
      stopped ??= api.close().then(stop);
      return stopped;
    },
  };
}

/**
 * When GET /version first answered 200 (performance.now()), polled every 5 ms. A minute: on a
 * busy shared machine a server's imports alone can take seconds.
 */
async function firstVersion(url: string, child: ChildProcess, logPath: string): Promise<number> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    if (!running(child)) throw new Error(`fnode exited at start:\n${readFileSync(logPath, 'utf8')}`);
    try {
      const res = await request(`${url}/version`);
      await res.body.dump();
      if (res.statusCode === 200) return performance.now();
    } catch {
      // Not listening yet.
    }
    await sleep(5);
  }
  throw new Error(`fnode did not answer /version within 60 s:\n${readFileSync(logPath, 'utf8')}`);
}
