import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { Errors } from '../../../models/index.js';
import type { Container, ContainerExit, ContainerSpec, LogListener } from '../driver.js';
import { DockerContainer } from './docker-container.js';
import { dockerMessage } from './docker-errors.js';
import { makeIofsDir, removeIofsDir } from './iofs.js';
import type { DriverLogger } from './logger.js';
import { OutputBarrier } from './output-barrier.js';
import { OutputRouter } from './output-router.js';
import type { StatsStream } from './stats-stream.js';

/** What the docker driver lends to start a stdio container (its private parts, by reference). */
export interface StdioStartDeps {
  logger: DriverLogger;
  iofsBase: string | undefined;
  /** createOptions() for the spec, with the iofs dir and the network picked. */
  options(iofsDir: string, network: string | undefined): Dockerode.ContainerCreateOptions;
  /** Creates the container, pulling the image when it is missing. */
  create(opts: Dockerode.ContainerCreateOptions): Promise<Dockerode.Container>;
  acquireNetwork(): string | undefined;
  releaseNetwork(network: string | undefined): void;
  onLive(c: DockerContainer): void;
  onGone(c: DockerContainer): void;
  /** FNODE_EXACT_CALL_LOGS: route stderr lines by markers through the container's stderr. */
  exactCallLogs: boolean;
  /** Seed 001: a stats stream for the container's calls, when statistics are on. */
  openStats?: (handle: Dockerode.Container) => StatsStream | undefined;
}

/**
 * [V1] A container for the legacy formats: stdin attached (closed when the caller ends it),
 * stdout handed over raw, stderr routed line by line to the listener of the call that wrote it
 * (an OutputRouter on stderr alone). Ready as soon as it runs: no socket.
 */
export class StdioContainer implements Container {
  readonly id: string;
  readonly dockerId: string;
  readonly socketPath = '';
  readonly exited: Promise<ContainerExit>;
  readonly stdin: Duplex;
  readonly stdout = new PassThrough();
  /** Per-call resource samples (seed 001), when the driver collects them. */
  stats: StatsStream | undefined;
  private readonly output: OutputRouter;

  constructor(
    private readonly inner: DockerContainer,
    socket: Duplex,
    logger: DriverLogger,
    image: string,
  ) {
    this.id = inner.id;
    this.dockerId = inner.dockerId;
    this.exited = inner.exited;
    this.stdin = socket;
    this.output = new OutputRouter(
      (line) => logger.debug({ user_log: true, container: this.id, image, stream: 'stderr' }, line),
      (err) => logger.warn({ err, container: this.id }, 'log listener failed'),
      () => !inner.isStopped,
      ['stderr'],
    );
    this.output.attach(socket, (payload) => this.stdout.write(payload));
    socket.on('error', () => {});
    socket.on('close', () => this.stdout.end());
  }

  /** Exact routing from here on: markers through the container's stderr (see OutputBarrier). */
  useOutputBarrier(pid: number): void {
    this.output.useBarrier(OutputBarrier.open(pid, [2]));
  }

  get hasOutputBarrier(): boolean {
    return this.output.hasBarrier;
  }

  /**
   * Every stderr line goes to the listener that was set when the function wrote it. Resolves
   * once the lines written before the change have reached the previous listener.
   */
  setLogListener(listener: LogListener | undefined): Promise<void> {
    return this.output.setListener(listener);
  }

  /** Lines no call's listener takes (between calls). */
  setIdleLogListener(listener: LogListener | undefined): void {
    this.output.setIdleListener(listener);
  }

  /** Resolves once stderr has been read to its end (the container has exited), at most `maxMs`. */
  async outputEnded(maxMs: number): Promise<void> {
    if (this.stdout.readableEnded || this.stdout.destroyed) return;
    await Promise.race([
      new Promise<void>((r) => this.stdin.once('close', () => r())),
      new Promise<void>((r) => setTimeout(r, maxMs).unref()),
    ]);
  }

  remove(): Promise<void> {
    this.stdin.destroy();
    return this.inner.remove();
  }
}

/** Creates, attaches (stdin, stdout, stderr) and starts a stdio container. */
export async function startStdioContainer(
  deps: StdioStartDeps,
  spec: ContainerSpec,
  signal?: AbortSignal,
): Promise<StdioContainer> {
  signal?.throwIfAborted();
  // No socket: the function has nothing to write there.
  const iofsDir = await makeIofsDir(deps.iofsBase, spec.id, false);
  const network = deps.acquireNetwork();
  let inner: DockerContainer | undefined;
  try {
    const opts = deps.options(iofsDir, network);
    opts.OpenStdin = true;
    opts.StdinOnce = true;
    opts.AttachStdin = true;
    const handle = await deps.create(opts);
    inner = new DockerContainer({
      id: spec.id,
      image: spec.image,
      handle,
      socketPath: '',
      iofsDir,
      logger: deps.logger,
      onRemoved: (c) => {
        deps.releaseNetwork(network);
        deps.onGone(c);
      },
    });
    deps.onLive(inner);
    signal?.throwIfAborted();
    const socket = (await handle.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as Duplex;
    const container = new StdioContainer(inner, socket, deps.logger, spec.image);
    try {
      await handle.start();
    } catch (err) {
      deps.logger.info(
        { container: spec.id, image: spec.image, reason: dockerMessage(err) },
        'container failed to start',
      );
      throw Errors.ContainerInitFail.copy();
    }
    inner.watchExit();
    const stats = spec.oneShot ? undefined : deps.openStats?.(handle);
    if (stats) {
      // The inner container closes it when removed.
      inner.stats = stats;
      container.stats = stats;
    }
    // A one-shot container's log ends with its output: no marker is ever needed, so no inspect
    // round trip on its call's path.
    if (deps.exactCallLogs && !spec.oneShot) {
      await handle.inspect().then(
        (info) => container.useOutputBarrier(info.State.Pid),
        () => {},
      );
    }
    return container;
  } catch (err) {
    if (inner) {
      await inner
        .remove()
        .catch((e: unknown) => deps.logger.warn({ err: e, container: spec.id }, 'removal failed'));
    } else {
      deps.releaseNetwork(network);
      await removeIofsDir(iofsDir).catch(() => {});
    }
    throw err;
  }
}
