import type Dockerode from 'dockerode';
import type { Container, ContainerExit, LogListener } from '../driver.js';
import { isGoneOrRemoving } from './docker-errors.js';
import { OUT_OF_MEMORY } from '../../../models/index.js';
import { removeIofsDir } from './iofs.js';
import type { DriverLogger } from './logger.js';
import { OutputBarrier } from './output-barrier.js';
import { MARK_TIMEOUT_MS, OutputRouter } from './output-router.js';
import type { StatsStream } from './stats-stream.js';

/** How long `exited` waits for the last output to drain after the container stopped. */
const OUTPUT_DRAIN_MS = 1000;

export interface DockerContainerInit {
  id: string;
  image: string;
  handle: Dockerode.Container;
  socketPath: string;
  iofsDir: string;
  logger: DriverLogger;
  /** Called once, after the container and its iofs directory are removed. */
  onRemoved: (container: DockerContainer) => void;
}

/** One function container: its output lines, how it ended, and its removal. */
export class DockerContainer implements Container {
  readonly id: string;
  readonly dockerId: string;
  readonly socketPath: string;
  readonly exited: Promise<ContainerExit>;
  /** Resolves with docker wait's status code (-1 unknown) as soon as the container stops. */
  readonly stopped: Promise<number>;
  /** Per-call resource samples (seed 001), when the driver collects them. */
  stats: StatsStream | undefined;

  private readonly handle: Dockerode.Container;
  private readonly logger: DriverLogger;
  private readonly output: OutputRouter;
  private attached = false;
  private resolveStopped!: (code: number) => void;
  private resolveExited!: (exit: ContainerExit) => void;
  private watching = false;
  private hasStopped = false;
  private removing: Promise<void> | undefined;
  private removed = false;

  constructor(private readonly init: DockerContainerInit) {
    this.id = init.id;
    this.dockerId = init.handle.id;
    this.socketPath = init.socketPath;
    this.handle = init.handle;
    this.logger = init.logger;
    this.stopped = new Promise((r) => {
      this.resolveStopped = r;
    });
    this.exited = new Promise((r) => {
      this.resolveExited = r;
    });
    this.output = new OutputRouter(
      (line, stream) =>
        this.logger.debug({ user_log: true, container: this.id, image: init.image, stream }, line),
      (err) => this.logger.warn({ err, container: this.id }, 'log listener failed'),
      () => !this.hasStopped,
    );
  }

  /**
   * Every line goes to the listener that was set when the function wrote it (see OutputRouter).
   * The returned promise (beyond the port's `void`) resolves once all lines written before the
   * change have reached the previous listener: await it before closing a call's log.
   */
  setLogListener(listener: LogListener | undefined): Promise<void> {
    return this.output.setListener(listener);
  }

  /** Lines no call's listener takes (between calls, or after a call's drain limit). */
  setIdleLogListener(listener: LogListener | undefined): void {
    this.output.setIdleListener(listener);
  }

  /**
   * Resolves once every line the function wrote before now has reached the listener (exact with
   * the output barrier; else once the output has been quiet for 2 ms). At most `maxMs`.
   */
  drainLogs(maxMs = MARK_TIMEOUT_MS): Promise<void> {
    if (this.hasStopped) return Promise.race([this.output.ended, delay(maxMs)]);
    return this.output.drain(maxMs);
  }

  /** True once Docker reported the container stopped. */
  get isStopped(): boolean {
    return this.hasStopped;
  }

  /** True when log changes are exact (markers through the container's own pipes). */
  get hasOutputBarrier(): boolean {
    return this.output.hasBarrier;
  }

  /** Enables exact log routing: `pid` is the container's init process on the host. */
  useOutputBarrier(pid: number): void {
    const barrier = OutputBarrier.open(pid);
    if (!barrier) this.logger.debug({ container: this.id }, 'no output barrier: log changes are timed');
    this.output.useBarrier(barrier);
  }

  /** Connects stdout and stderr; must be done before the container starts so no line is lost. */
  async attachOutput(): Promise<void> {
    const stream = (await this.handle.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadableStream;
    this.output.attach(stream);
    this.attached = true;
  }

  /** Starts following the container's end; call right after it started. */
  watchExit(): void {
    if (this.watching) return;
    this.watching = true;
    this.handle.wait().then(
      (res: { StatusCode?: unknown }) =>
        this.onStopped(typeof res.StatusCode === 'number' ? res.StatusCode : -1),
      (err: unknown) => {
        if (!isGoneOrRemoving(err)) this.logger.warn({ err, container: this.id }, 'docker wait failed');
        this.onStopped(-1);
      },
    );
  }

  /** Kills and removes the container, then its iofs directory. Idempotent, safe concurrently. */
  remove(): Promise<void> {
    this.removing ??= this.doRemove().catch((err: unknown) => {
      this.removing = undefined; // a later call may try again
      throw err;
    });
    return this.removing;
  }

  private async doRemove(): Promise<void> {
    // Stopped on its own: let `exited` read OOMKilled before the record disappears.
    if (this.hasStopped) await this.exited;
    try {
      await this.handle.remove({ force: true, v: true });
    } catch (err) {
      if (!isGoneOrRemoving(err)) throw err;
    }
    this.output.close();
    this.stats?.close();
    await removeIofsDir(this.init.iofsDir).catch((err: unknown) =>
      this.logger.warn({ err, dir: this.init.iofsDir }, 'cannot remove iofs directory'),
    );
    // Never started (start failed): nobody waits on docker, so settle the exit here.
    if (!this.watching) this.onStopped(-1);
    if (!this.removed) {
      this.removed = true;
      this.init.onRemoved(this);
    }
  }

  private onStopped(code: number): void {
    if (this.hasStopped) return;
    this.hasStopped = true;
    this.resolveStopped(code);
    void this.finishExit(code);
  }

  private async finishExit(code: number): Promise<void> {
    let exit: ContainerExit = { exitCode: code, oomKilled: false };
    try {
      const [info] = await Promise.all([
        this.handle.inspect().catch(() => undefined),
        this.attached ? Promise.race([this.output.ended, delay(OUTPUT_DRAIN_MS)]) : undefined,
      ]);
      const state = info?.State;
      if (state) {
        exit = {
          exitCode: typeof state.ExitCode === 'number' ? state.ExitCode : code,
          oomKilled: state.OOMKilled === true,
        };
      }
    } finally {
      if (exit.oomKilled) {
        this.logger.info({ container: this.id, image: this.init.image }, OUT_OF_MEMORY);
      } else {
        this.logger.debug(
          { container: this.id, image: this.init.image, exit_code: exit.exitCode },
          `container exit code ${exit.exitCode}`,
        );
      }
      this.resolveExited(exit);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
