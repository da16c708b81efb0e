import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOCKET_NAME } from './create-options.js';

/** A unix socket path longer than this cannot be connected to (sun_path is 108 bytes). */
const MAX_SOCKET_PATH = 107;

/** Creates the container's iofs directory (mode 0777: the function runs as uid 1000). */
export async function makeIofsDir(base: string | undefined, id: string): Promise<string> {
  const safeId = id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 36);
  const dir = await mkdtemp(join(base ?? tmpdir(), `iofs-${safeId}-`));
  if (Buffer.byteLength(join(dir, SOCKET_NAME)) > MAX_SOCKET_PATH) {
    await removeIofsDir(dir);
    throw new Error(
      `iofs path ${dir} is too long for a unix socket (max ${MAX_SOCKET_PATH} bytes): set FN_IOFS_PATH to a shorter directory`,
    );
  }
  await chmod(dir, 0o777);
  return dir;
}

export async function removeIofsDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 2 });
}
