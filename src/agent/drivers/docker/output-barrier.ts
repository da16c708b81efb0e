import { closeSync, constants, openSync, readlinkSync, writeSync } from 'node:fs';

/**
 * A barrier through the container's own output pipes. The function's stdout and stderr reach
 * fnode through containerd and dockerd, apart from its answer on the socket, so a call's last
 * lines often arrive after the answer. Writing a marker into the same pipes (via
 * `/proc/<init pid>/fd/{1,2}` on the host) and waiting for it on the attach stream proves that
 * everything written before it has been delivered: pipes and Docker's copy keep order.
 *
 * Needs the right to open another user's /proc/<pid>/fd (root, as dockerd's clients usually
 * are); `open()` returns undefined where that is refused, and callers fall back to a quiet wait.
 */
export class OutputBarrier {
  private constructor(
    private readonly pid: number,
    /** The descriptors to write to, each with its `pipe:[inode]`, to be sure the pid still is the container's. */
    private readonly pipes: readonly (readonly [fd: number, pipe: string])[],
  ) {}

  /** `fds`: stdout and stderr, or [V1] stderr alone where stdout carries the answers. */
  static open(pid: number, fds: readonly (1 | 2)[] = [1, 2]): OutputBarrier | undefined {
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    try {
      const pipes = fds.map((fd) => [fd, readlinkSync(`/proc/${pid}/fd/${fd}`)] as const);
      if (pipes.some(([, pipe]) => !pipe.startsWith('pipe:'))) return undefined;
      return new OutputBarrier(pid, pipes);
    } catch {
      return undefined;
    }
  }

  /**
   * Writes `text` into the pipes. False when it could not (process gone, pipe full):
   * then no marker may come. The descriptors are closed at once: holding a write end open would
   * keep the container's output from ending when it exits.
   */
  write(text: string): boolean {
    const buf = Buffer.from(text);
    for (const [fd, pipe] of this.pipes) {
      const path = `/proc/${this.pid}/fd/${fd}`;
      let handle: number | undefined;
      try {
        if (readlinkSync(path) !== pipe) return false;
        handle = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
        if (writeSync(handle, buf) !== buf.length) return false;
      } catch {
        return false;
      } finally {
        if (handle !== undefined) closeSync(handle);
      }
    }
    return true;
  }
}
