import { type FSWatcher, lstatSync, readlinkSync, statSync, watch } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Errors } from '../../../models/index.js';
import { SOCKET_NAME } from './create-options.js';

export type SocketState = { kind: 'missing' } | { kind: 'ready' } | { kind: 'bad'; reason: string };

/**
 * Fn's check of `lsnr.sock`: a socket, or a symlink whose target is a bare name in the same
 * directory (the FDK's phony-socket trick) and resolves to a socket.
 */
export function checkSocket(dir: string, name = SOCKET_NAME): SocketState {
  const path = join(dir, name);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return { kind: 'missing' };
  if (st.isSocket()) return { kind: 'ready' };
  if (!st.isSymbolicLink()) return { kind: 'bad', reason: `${name} is not a socket` };
  let target: string;
  try {
    target = readlinkSync(path);
  } catch (err) {
    return { kind: 'bad', reason: `cannot read symlink ${name}: ${(err as Error).message}` };
  }
  if (isAbsolute(target) || dirname(target) !== '.' || target === '..' || target === '.') {
    return { kind: 'bad', reason: `symlink ${name} -> ${target} must be relative within its directory` };
  }
  const dest = statSync(join(dir, target), { throwIfNoEntry: false });
  if (!dest) return { kind: 'bad', reason: `symlink ${name} -> ${target} points to nothing` };
  if (!dest.isSocket()) return { kind: 'bad', reason: `symlink ${name} -> ${target} is not a socket` };
  return { kind: 'ready' };
}

/**
 * Waits for the function's socket to appear in the iofs directory. Armed (inotify through
 * fs.watch) before the container starts; also checks once right after arming, so a socket made
 * before the watch is not missed. No polling.
 *
 * `ready` resolves when the socket is usable and rejects with ContainerInitFail for a bad socket,
 * or with whatever `fail()` is given (exit before ready, timeout, abort).
 */
export class SocketWait {
  readonly ready: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;
  private watcher: FSWatcher | undefined;
  private settled = false;
  /** Why the socket was refused, when it was. */
  badReason: string | undefined;

  constructor(
    readonly dir: string,
    readonly name = SOCKET_NAME,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A failure before anyone awaits `ready` must not count as an unhandled rejection.
    this.ready.catch(() => {});
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.check();
      });
      this.watcher.on('error', (err) => this.fail(err));
    } catch (err) {
      this.fail(err);
      return;
    }
    this.check();
  }

  /** Settles `ready` with an error (first settlement wins) and stops watching. */
  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.close();
    this.reject(err);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private check(): void {
    if (this.settled) return;
    const state = checkSocket(this.dir, this.name);
    if (state.kind === 'missing') return;
    if (state.kind === 'ready') {
      this.settled = true;
      this.close();
      this.resolve();
      return;
    }
    this.badReason = state.reason;
    this.fail(Errors.ContainerInitFail.copy());
  }
}
