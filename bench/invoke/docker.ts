// What the bench asks Docker directly: a fn's containers (by the labels fnode puts on them),
// a container's socket, clean-up, and the cold-start floor (`docker run` to first answer).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { gauge } from './api.js';

const docker = (args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const lines = (s: string): string[] => s.split('\n').filter(Boolean);

/** Running containers of a fn: `docker ps --filter label=fnode.tag=<tag> --filter label=fnode.fn_id=<id>`. */
export function containersOf(tag: string, fnId: string): string[] {
  return lines(
    docker(['ps', '-q', '--filter', `label=fnode.tag=${tag}`, '--filter', `label=fnode.fn_id=${fnId}`]),
  );
}

/** The host path of the function's socket in the iofs directory of a fn's (first) container. */
export function socketOf(tag: string, fnId: string): string {
  const containerId = containersOf(tag, fnId)[0];
  if (!containerId) throw new Error(`fn ${fnId} has no running container`);
  const iofs = docker([
    'inspect',
    '-f',
    '{{range .Mounts}}{{if eq .Destination "/tmp/iofs"}}{{.Source}}{{end}}{{end}}',
    containerId,
  ]);
  return join(iofs, 'lsnr.sock');
}

/** Containers of a tag: running ones, or with `all` also those stopped or never started. */
export function tagged(tag: string, all = false): string[] {
  return lines(docker(['ps', '-q', ...(all ? ['-a'] : []), '--filter', `label=fnode.tag=${tag}`]));
}

/** Removes every container of a tag, running or not (only this bench's tags are passed). */
export function removeTagged(tag: string): void {
  // The server may be removing some at the same moment, which fails `docker rm` for those: again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const ids = tagged(tag, true);
    if (ids.length === 0) return;
    spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  }
}

/**
 * Waits until a fn has a container and the server starts none (`fn_container_starting` of its
 * /metrics is 0): then the container is hot. False after `timeoutMs`.
 */
export async function waitHot(api: Pool, tag: string, fnId: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (containersOf(tag, fnId).length > 0 && ((await gauge(api, 'fn_container_starting')) ?? 0) === 0) {
      return true;
    }
    await sleep(50);
  }
  return false;
}

/** `docker run -d` of an image to the first answer on its socket, in ms. */
export async function bareDockerRun(image: string, body: string, headers: Record<string, string>) {
  const io = mkdtempSync(join(tmpdir(), 'fnode-bench-iofs-'));
  chmodSync(io, 0o777);
  const sock = join(io, 'lsnr.sock');
  const name = `fnode-bench-bare-${randomUUID().slice(0, 8)}`;
  try {
    const t = performance.now();
    const ready = new Promise<void>((resolve) => {
      const w = watch(io, () => {
        if (existsSync(sock)) {
          w.close();
          resolve();
        }
      });
    });
    const child = spawn(
      'docker',
      [
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'none',
        '--user',
        '1000:1000',
        '-v',
        `${io}:/tmp/iofs`,
      ].concat(['-e', 'FN_FORMAT=http-stream', '-e', 'FN_LISTENER=unix:/tmp/iofs/lsnr.sock', image]),
      { stdio: 'ignore' },
    );
    // `docker run -d` may exit before the function is ready: listen now.
    const exited = new Promise((r) => child.once('exit', r));
    await ready;
    const pool = new Pool('http://localhost', { socketPath: sock, connections: 1 });
    const res = await pool.request({ path: '/call', method: 'POST', body, headers });
    await res.body.dump();
    const ms = performance.now() - t;
    await pool.close();
    if (res.statusCode !== 200) throw new Error(`docker run ${image}: ${res.statusCode}`);
    await exited;
    return ms;
  } finally {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    rmSync(io, { recursive: true, force: true });
  }
}
