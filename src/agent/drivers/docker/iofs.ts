import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOFS_MOUNT, SOCKET_NAME } from './create-options.js';

/** A unix socket path longer than this cannot be connected to (sun_path is 108 bytes). */
const MAX_SOCKET_PATH = 107;

/**
 * Creates the container's iofs directory: mode 0777 when the function must make its socket
 * there (it runs as uid 1000), else 0755.
 */
export async function makeIofsDir(base: string | undefined, id: string, writable = true): Promise<string> {
  const safeId = id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 36);
  const dir = await mkdtemp(join(base ?? tmpdir(), `iofs-${safeId}-`));
  if (Buffer.byteLength(join(dir, SOCKET_NAME)) > MAX_SOCKET_PATH) {
    await removeIofsDir(dir);
    throw new Error(
      `iofs path ${dir} is too long for a unix socket (max ${MAX_SOCKET_PATH} bytes): set FN_IOFS_PATH to a shorter directory`,
    );
  }
  await chmod(dir, writable ? 0o777 : 0o755);
  return dir;
}

/**
 * Once the function's socket is up, takes back its write access to the iofs directory: a host
 * directory (on the host's disk unless FN_IOFS_PATH is a tmpfs) that neither the /tmp size nor
 * the memory limit bounds, so a function writing there could fill the host's disk. Holds for
 * unprivileged containers of a server that does not run as their uid (they cannot chmod a
 * directory they do not own). Files made before the socket could still be written through open
 * descriptors, so anything but sockets and symlinks (the FDK's phony socket and `lsnr.sock`)
 * refuses the container: returns why, or undefined when the directory is as it should be.
 */
export async function sealIofsDir(dir: string): Promise<string | undefined> {
  await chmod(dir, 0o755);
  // Listed after the chmod: nothing can be added between the check and the seal.
  const odd = (await readdir(dir, { withFileTypes: true })).find((e) => !e.isSocket() && !e.isSymbolicLink());
  return odd
    ? `${odd.name} in ${IOFS_MOUNT} is not a socket: a function may only make its socket there`
    : undefined;
}

export async function removeIofsDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
}
