import type Dockerode from 'dockerode';
import type { AgentConfig } from '../../../config/index.js';
import type { ContainerSpec } from '../driver.js';

/** Where the iofs directory is mounted inside the container (Fn's `/tmp/iofs`). */
export const IOFS_MOUNT = '/tmp/iofs';
/** The socket the function listens on, inside the iofs directory. */
export const SOCKET_NAME = 'lsnr.sock';
/** Ownership labels: which server instance started a container, and under which tag. */
export const LABEL_INSTANCE = 'fnode.instance';
export const LABEL_TAG = 'fnode.tag';

const MiB = 1024 * 1024;

/** Fn's per-container ulimits (soft = hard): FN_MAX_OPEN_FILES, _LOCKED_MEMORY, _PENDING_SIGNALS, _MESSAGE_QUEUE. */
export const ULIMITS: ReadonlyArray<{ Name: string; Soft: number; Hard: number }> = [
  { Name: 'nofile', Soft: 350, Hard: 350 },
  { Name: 'memlock', Soft: 65536, Hard: 65536 },
  { Name: 'sigpending', Soft: 5000, Hard: 5000 },
  { Name: 'msgqueue', Soft: 819200, Hard: 819200 },
];

export interface CreateOptionsInput {
  spec: ContainerSpec;
  config: AgentConfig;
  instanceId: string;
  /** Host path of the container's iofs directory. */
  iofsDir: string;
  /** Labels naming the live server that owns the container (OwnerLock). */
  ownerLabels: Record<string, string>;
  /** Network mode, or undefined for Docker's default. */
  network: string | undefined;
  /** False on engines that reject memory swappiness (cgroup v2). */
  swappiness: boolean;
}

/** Docker accepts container names matching this; anything else is left unnamed. */
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,120}$/;

/**
 * The body of `POST /containers/create` for a function container (Fn's `CreateCookie`, §4.5).
 * Unlike Fn, the hostname stays Docker's per-container default (the short container id), so a
 * function (and a test) can tell its containers apart.
 */
export function createOptions(input: CreateOptionsInput): Dockerode.ContainerCreateOptions {
  const { spec, config } = input;
  const unprivileged = !config.disableUnprivilegedContainers;
  const readonly = !config.disableReadonlyRootfs;
  const tmpfsMB = spec.tmpfsSizeMB ?? 0;
  const memory = spec.memoryMB > 0 ? spec.memoryMB * MiB : undefined;

  const host: Dockerode.HostConfig = {
    Init: true,
    Binds: [`${input.iofsDir}:${IOFS_MOUNT}`],
    PidsLimit: config.maxPids,
    Ulimits: ULIMITS.map((u) => ({ ...u })),
    // Output is read through attach; Fn uses the `none` log driver unless syslog is configured.
    LogConfig: { Type: 'none', Config: {} },
  };
  if (memory !== undefined) {
    host.Memory = memory;
    host.MemorySwap = memory;
    if (input.swappiness) host.MemorySwappiness = 0;
  }
  if (spec.cpus > 0) {
    host.CpuQuota = spec.cpus * 100;
    host.CpuPeriod = 100000;
  }
  if (readonly) host.ReadonlyRootfs = true;
  // Without a read-only root and without a size, the function can write anywhere: no tmpfs needed.
  if (readonly || tmpfsMB > 0) host.Tmpfs = { '/tmp': tmpfsMB > 0 ? `size=${tmpfsMB}m` : '' };
  if (unprivileged) {
    host.CapDrop = ['ALL'];
    host.SecurityOpt = ['no-new-privileges'];
  }
  if (input.network !== undefined) host.NetworkMode = input.network;

  const opts: Dockerode.ContainerCreateOptions = {
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      ...spec.labels,
      ...input.ownerLabels,
      [LABEL_INSTANCE]: input.instanceId,
      [LABEL_TAG]: config.containerLabelTag,
    },
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: false,
    Tty: false,
    HostConfig: host,
  };
  if (unprivileged) opts.User = '1000:1000';
  const name = `fnode-${spec.id}`;
  if (NAME_RE.test(name)) opts.name = name;
  return opts;
}
