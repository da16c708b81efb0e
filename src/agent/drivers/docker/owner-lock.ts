import { chmod, mkdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Labels that tie a container to the live server that started it. */
export const LABEL_OWNER_HOST = 'fnode.owner-host';
export const LABEL_OWNER_LOCK = 'fnode.owner-lock';

/** Where servers of this machine keep their locks (every server of the host looks here). */
export function defaultLockDir(): string {
  return join(tmpdir(), 'fnode-owners');
}

/**
 * A lock that dies with its process: a unix socket this server listens on. Another server of the
 * same host tells a live owner (the socket accepts) from a dead one (refused, or gone) without
 * any heartbeat, and the kernel releases it however the process ends, SIGKILL included.
 */
export class OwnerLock {
  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  static async acquire(instanceId: string, dir = defaultLockDir()): Promise<OwnerLock> {
    // Shared by the servers of every user of the host, like /tmp itself.
    if (await mkdir(dir, { recursive: true })) await chmod(dir, 0o1777).catch(() => {});
    const path = join(dir, `${instanceId}.sock`);
    await rm(path, { force: true });
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    server.unref();
    return new OwnerLock(path, server);
  }

  /** Labels for a container this server starts. */
  labels(): Record<string, string> {
    return { [LABEL_OWNER_HOST]: hostname(), [LABEL_OWNER_LOCK]: this.path };
  }

  async release(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }
}

/**
 * Whether the server that labelled a container is gone: only a server of this host can be
 * told dead (its lock refuses); one of another host, or of unknown origin, counts as alive.
 */
export async function ownerIsGone(labels: Record<string, string> | undefined): Promise<boolean> {
  const host = labels?.[LABEL_OWNER_HOST];
  const lock = labels?.[LABEL_OWNER_LOCK];
  if (!host || !lock || host !== hostname()) return false;
  return new Promise<boolean>((resolve) => {
    const socket = connect(lock);
    const timer = setTimeout(() => {
      // A live but stalled owner: better a leftover than a live server's containers removed.
      socket.destroy();
      resolve(false);
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT');
    });
  });
}
