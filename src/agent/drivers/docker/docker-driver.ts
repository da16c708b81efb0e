import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { AgentConfig } from '../../../config/index.js';
import type { StatsPoint } from '../../../models/index.js';
import { ApiError, ContainerStartError } from '../../../models/index.js';
import { Errors, errImagePull } from '../../../models/index.js';
import type { Container, ContainerSpec, Driver } from '../driver.js';
import { createOptions, SOCKET_NAME } from './create-options.js';
import { DockerContainer } from './docker-container.js';
import { dockerMessage, isEngineAway, isNoSuchImage } from './docker-errors.js';
import { DockerEngine, type EngineTraits } from './engine.js';
import { removeLeftovers } from './leftovers.js';
import { ImagePuller } from './image-pull.js';
import { loadDockerode } from './load-dockerode.js';
import { makeIofsDir, removeIofsDir, sealIofsDir } from './iofs.js';
import { type DriverLogger, silentLogger } from './logger.js';
import { NetworkPicker } from './network-picker.js';
import { OwnerLock } from './owner-lock.js';
import { SocketWait } from './socket-wait.js';
import { startStdioContainer } from './stdio-container.js';
import { StatsStream } from './stats-stream.js';

export interface DockerDriverOptions {
  config: AgentConfig;
  /** This server's id; containers labelled with another id under the same tag are leftovers. */
  instanceId: string;
  logger?: DriverLogger;
  /** A client for another engine (default: DOCKER_HOST or /var/run/docker.sock). */
  docker?: Dockerode;
  /** Bound on an image pull (Fn's FN_HOT_PULL_TIMEOUT_MSECS, 10 min). */
  pullTimeoutMs?: number;
  /** Bound on ping() (default 5 s). */
  pingTimeoutMs?: number;
  /** Where this host's servers keep their owner locks (default: the system's temp dir). */
  lockDir?: string;
  /** Seed 001: one Docker stats stream per container for per-call statistics (FNODE_CALL_STATS). */
  callStats?: boolean;
  /** Every raw sample of the stats streams (with `callStats`), e.g. for `fn_docker_stats_*`. */
  onStatsSample?: ((p: StatsPoint) => void) | undefined;
}

/** Lines of a starting function's output kept for the error when it dies before its socket is up. */
const EARLY_LINES = 20;

function startError(cause: string, lines: readonly string[]): ContainerStartError {
  return new ContainerStartError(Errors.ContainerInitFail.message, cause, lines.length > 0 ? lines : [cause]);
}

/** The Driver on the Docker Engine (dockerode): Fn's container contract, §4 of fn-contract.md. */
export class DockerDriver implements Driver {
  private readonly docker: Dockerode;
  private readonly config: AgentConfig;
  private readonly instanceId: string;
  private readonly logger: DriverLogger;
  private readonly puller: ImagePuller;
  private readonly networks: NetworkPicker;
  private readonly engine: DockerEngine;
  private readonly callStats: boolean;
  private readonly onStatsSample: ((p: StatsPoint) => void) | undefined;
  private readonly live = new Set<DockerContainer>();
  private lock: Promise<OwnerLock | undefined> | undefined;
  private readonly lockDir: string | undefined;

  constructor(opts: DockerDriverOptions) {
    this.lockDir = opts.lockDir;
    this.config = opts.config;
    this.instanceId = opts.instanceId;
    this.logger = opts.logger ?? silentLogger;
    this.docker = opts.docker ?? new (loadDockerode())();
    this.puller = new ImagePuller(this.docker, opts.pullTimeoutMs);
    this.networks = new NetworkPicker(opts.config.dockerNetworks);
    this.engine = new DockerEngine(this.docker, this.logger, opts.pingTimeoutMs ?? 5000);
    this.callStats = opts.callStats ?? false;
    this.onStatsSample = opts.onStatsSample;
  }

  ping(): Promise<void> {
    return this.engine.ping();
  }

  async start(spec: ContainerSpec, signal?: AbortSignal): Promise<Container> {
    if (spec.stdio) return this.startStdio(spec, signal);
    signal?.throwIfAborted();
    const traits = await this.engine.traits();
    const owner = await this.ownerLabels();
    const iofsDir = await makeIofsDir(this.config.iofsPath, spec.id);
    // Armed before the container exists, so the socket cannot appear unseen.
    const wait = new SocketWait(iofsDir, SOCKET_NAME);
    const onAbort = () => wait.fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const network = this.networks.acquire();
    let container: DockerContainer | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const opts = this.optionsFor(spec, traits, owner, iofsDir, network);
      const handle = await this.create(opts, spec.image, signal).catch((err: unknown) => {
        // Docker refused the container itself (no command, a bad option): say why.
        if (err instanceof ApiError || isEngineAway(err)) throw err;
        throw startError(dockerMessage(err), []);
      });
      container = new DockerContainer({
        id: spec.id,
        image: spec.image,
        handle,
        socketPath: join(iofsDir, SOCKET_NAME),
        iofsDir,
        logger: this.logger,
        onRemoved: (c) => {
          this.networks.release(network);
          this.live.delete(c);
        },
      });
      const created = container;
      this.live.add(created);
      signal?.throwIfAborted();
      await created.attachOutput();
      signal?.throwIfAborted();
      timer = setTimeout(() => wait.fail(Errors.ContainerInitTimeout.copy()), spec.startTimeoutMs);
      try {
        await handle.start();
      } catch (err) {
        // The runtime could not run the image's entrypoint (missing binary, bad user, ...).
        this.logger.info(
          { container: spec.id, image: spec.image, reason: dockerMessage(err) },
          'container failed to start',
        );
        throw startError(dockerMessage(err), []);
      }
      created.watchExit();
      // What the function prints before its socket is up is the cause when it dies first.
      const early: string[] = [];
      created.setIdleLogListener((line) => {
        if (early.push(line) > EARLY_LINES) early.shift();
      });
      void created.stopped.then(async (code) => {
        // Its last lines may still be on their way through Docker's attach stream: wait for its end.
        await created.drainLogs(2000);
        const last = early.length > 0 ? `: ${early[early.length - 1]}` : '';
        wait.fail(startError(`container exit code ${code}${last}`, early));
      });
      // While the function boots: its init pid, for the exact log drain (off the critical path).
      const barrier = this.config.exactCallLogs
        ? handle.inspect().then(
            (info) => created.useOutputBarrier(info.State.Pid),
            () => {},
          )
        : undefined;
      await wait.ready;
      await barrier;
      if (!this.config.disableUnprivilegedContainers) {
        const odd = await sealIofsDir(iofsDir);
        if (odd) {
          this.logger.info({ container: spec.id, image: spec.image, reason: odd }, 'container refused');
          throw startError(odd, []);
        }
      }
      created.setIdleLogListener(undefined);
      created.stats = this.openStats(handle);
      return created;
    } catch (err) {
      wait.close();
      if (wait.badReason)
        this.logger.info({ container: spec.id, reason: wait.badReason }, 'bad function socket');
      if (container) {
        await container
          .remove()
          .catch((e: unknown) => this.logger.warn({ err: e, container: spec.id }, 'removal failed'));
      } else {
        this.networks.release(network);
        await removeIofsDir(iofsDir).catch(() => {});
      }
      if (isEngineAway(err)) {
        // Asked again at the next start: the engine may be back by then.
        throw this.engine.wentAway();
      }
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private optionsFor(
    spec: ContainerSpec,
    traits: EngineTraits,
    ownerLabels: Record<string, string>,
    iofsDir: string,
    network: string | undefined,
  ) {
    return createOptions({
      spec,
      config: this.config,
      instanceId: this.instanceId,
      ownerLabels,
      iofsDir,
      network,
      swappiness: traits.swappiness,
    });
  }

  /** Seed 001: the container's stats stream, when per-call statistics are on. */
  private openStats(handle: Dockerode.Container): StatsStream | undefined {
    if (!this.callStats) return undefined;
    const stats = new StatsStream(handle, this.logger, this.onStatsSample);
    stats.open();
    return stats;
  }

  /** [V1] legacy formats: stdin attached, no socket (stdio-container.ts). */
  private async startStdio(spec: ContainerSpec, signal?: AbortSignal): Promise<Container> {
    const traits = await this.engine.traits();
    const owner = await this.ownerLabels();
    return startStdioContainer(
      {
        logger: this.logger,
        iofsBase: this.config.iofsPath,
        options: (iofsDir, network) => this.optionsFor(spec, traits, owner, iofsDir, network),
        create: (opts) => this.create(opts, spec.image, signal),
        acquireNetwork: () => this.networks.acquire(),
        releaseNetwork: (n) => this.networks.release(n),
        onLive: (c) => this.live.add(c),
        onGone: (c) => this.live.delete(c),
        exactCallLogs: this.config.exactCallLogs,
        openStats: (handle) => this.openStats(handle),
      },
      spec,
      signal,
    );
  }

  /** See {@link removeLeftovers}: the containers of servers that are gone. */
  async removeLeftovers(): Promise<number> {
    // Taken first: this server's own containers must carry a live lock before others are judged.
    await this.ownerLabels();
    return removeLeftovers(this.docker, {
      instanceId: this.instanceId,
      tag: this.config.containerLabelTag,
      iofsPath: this.config.iofsPath,
      logger: this.logger,
    });
  }

  /** Removes the containers this driver started that are still there, then its owner lock. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.live].map((c) =>
        c.remove().catch((err: unknown) => this.logger.warn({ err, container: c.id }, 'removal failed')),
      ),
    );
    const lock = await this.lock;
    this.lock = undefined;
    await lock?.release().catch(() => {});
  }

  /** The labels that tie a container to this live server; none when no lock could be taken. */
  private async ownerLabels(): Promise<Record<string, string>> {
    this.lock ??= OwnerLock.acquire(this.instanceId, this.lockDir).catch((err: unknown) => {
      this.logger.warn({ err }, 'no owner lock: other servers cannot tell this one is alive');
      return undefined;
    });
    return (await this.lock)?.labels() ?? {};
  }

  /** Creates the container; a missing image is pulled once, then the create is tried again. */
  private async create(
    opts: Dockerode.ContainerCreateOptions,
    image: string,
    signal: AbortSignal | undefined,
  ): Promise<Dockerode.Container> {
    try {
      return await this.docker.createContainer(opts);
    } catch (err) {
      if (!isNoSuchImage(err)) throw err;
    }
    await this.puller.pull(image, signal);
    signal?.throwIfAborted();
    try {
      return await this.docker.createContainer(opts);
    } catch (err) {
      if (isNoSuchImage(err)) throw errImagePull(image, dockerMessage(err));
      throw err;
    }
  }
}
