import type { StatsPoint } from '../../models/index.js';

/**
 * The Driver port: starts function containers that speak http-stream on a unix socket and
 * reports how they end. The agent never touches Docker directly.
 */
export interface ContainerSpec {
  /** Unique per container; also used for the iofs directory name. */
  id: string;
  image: string;
  /** Hard memory limit in MiB (memory = memory+swap). */
  memoryMB: number;
  /** Milli-CPUs; 0 means no CPU quota. */
  cpus: number;
  /** Environment for the function (Fn's FN_* plus app and fn config). */
  env: Record<string, string>;
  /** Labels added to the container, besides the driver's own ownership labels. */
  labels: Record<string, string>;
  /** How long to wait for the function's socket (Fn's FN_HOT_START_TIMEOUT_MSECS). */
  startTimeoutMs: number;
  /** tmpfs size for /tmp in MiB; 0 = no size. */
  tmpfsSizeMB?: number;
  /**
   * [V1] legacy formats: start with stdin attached and no socket to wait for. The container's
   * stdout is then `Container.stdout` (not log lines); only stderr reaches the log listener.
   */
  stdio?: boolean;
  /**
   * [V1] One call and gone (the `default` format): no per-call statistics stream, whose first
   * sample would come after the container has ended, and no log marker, as its log ends with
   * its output.
   */
  oneShot?: boolean;
}

export interface ContainerExit {
  /** Exit code, or -1 when unknown. */
  exitCode: number;
  /** True when the kernel killed it for exceeding its memory limit. */
  oomKilled: boolean;
}

/**
 * Seed 001's per-call statistics: resource samples (about one a second) taken while a call holds
 * the container, from one stream per container.
 */
export interface CallStatsRecorder {
  /** Starts a new series; samples taken before are dropped. */
  begin(): void;
  /**
   * Ends the series: the samples since begin(), else the container's latest sample, else (a
   * container too young to have one) the next sample, waited for at most `waitMs`.
   */
  end(waitMs: number): StatsPoint[] | Promise<StatsPoint[]>;
}

/** One line the function wrote on stdout or stderr. */
export type LogListener = (line: string, stream: 'stdout' | 'stderr') => void;

export interface Container {
  readonly id: string;
  /** Docker's id of the running container. */
  readonly dockerId: string;
  /** Host path of the unix socket the function listens on (`<iofs>/lsnr.sock`). */
  readonly socketPath: string;
  /** Resolves once, when the container has stopped for any reason. */
  readonly exited: Promise<ContainerExit>;
  /**
   * Receives every complete output line; one listener at a time (the agent swaps it per call).
   * Each line goes to the listener that was set when the function wrote it. Resolves once every
   * line written before the change has reached the previous listener (bounded by the driver).
   */
  setLogListener(listener: LogListener | undefined): Promise<void>;
  /**
   * Receives the lines no call's listener takes: written between calls, or arriving after the
   * call's listener was cleared. Optional: drivers without it drop such lines.
   */
  setIdleLogListener?(listener: LogListener | undefined): void;
  /** Kills and removes the container and its iofs directory. Idempotent. */
  remove(): Promise<void>;
  /** [V1] with `spec.stdio`: the function's stdin (end() closes it) and its raw stdout. */
  readonly stdin?: NodeJS.WritableStream | undefined;
  readonly stdout?: NodeJS.ReadableStream | undefined;
  /** Per-call resource samples; absent when the driver does not collect them. */
  readonly stats?: CallStatsRecorder | undefined;
}

export interface Driver {
  /**
   * Creates and starts a container and waits until its socket `lsnr.sock` appears.
   * Throws Fn's ApiErrors: ContainerInitFail (exited or bad socket before ready),
   * ContainerInitTimeout (no socket in time), errImagePull for a missing image.
   */
  start(spec: ContainerSpec, signal?: AbortSignal): Promise<Container>;
  /** Removes containers a previous (killed) run of this server left behind. Returns how many. */
  removeLeftovers(): Promise<number>;
  /** Checks that the engine answers; throws a message that says what to do when it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
