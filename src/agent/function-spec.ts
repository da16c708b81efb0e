import { type App, type Fn, fnodeAnnotation } from '../models/index.js';

/** Everything that decides which container a call may run in. */
export interface FunctionSpec {
  appId: string;
  appName: string;
  fnId: string;
  fnName: string;
  image: string;
  memoryMB: number;
  /** Milli-CPUs; 0 = no quota. */
  cpus: number;
  timeoutSecs: number;
  idleTimeoutSecs: number;
  /** App config overridden by fn config. */
  config: Record<string, string>;
  syslogUrl?: string;
  /** [V1] a route's format (default, http, json, cloudevent); absent or http-stream = the agent's path. */
  format?: string;
  /** [V1] the route's path (FN_PATH) and type (FN_TYPE). */
  path?: string;
  type?: string;
  /** [V1] a route's tmpfs_size: /tmp size in MiB (FN_TMPSIZE); absent or 0 = no size. */
  tmpfsSizeMB?: number;
  /** Calls one container takes at once (`fnode.io/max-concurrency`; 1 = Fn's behaviour). */
  maxConcurrency: number;
  /** Containers kept started even when idle (`fnode.io/min-hot`). */
  minHot: number;
  /** Key of the pool of hot containers this spec may use; any edit gives a new key. */
  slotKey: string;
}

/**
 * One call as its caller hands it to the agent. The agent never writes into it: what became of
 * the call comes back as a {@link CallResult}.
 */
export interface AgentCall {
  readonly id: string;
  readonly spec: FunctionSpec;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  /** Epoch ms: submit time + timeout. The timeout starts when the call is submitted. */
  readonly deadline: number;
  /**
   * An async call from the queue: while it has waited less than a second, sync calls that come
   * to wait for the same containers go before it (a client waits on those), and its timeout
   * starts when it gets a container (its deadline moves by its wait). It still waits at most its
   * timeout for one.
   */
  readonly background?: boolean;
  /** Receives the function's output lines while this call holds the container. */
  readonly onLog?: (line: string, stream?: 'stdout' | 'stderr') => void;
}

/**
 * Specs are derived once per looked-up app and fn object: the invoke path's cache hands out the
 * same objects for seconds, so the slot key is not rebuilt for every call.
 */
const specs = new WeakMap<Fn, { app: App; spec: FunctionSpec }>();

export function specFor(app: App, fn: Fn): FunctionSpec {
  const hit = specs.get(fn);
  if (hit && hit.app === app) return hit.spec;
  const spec = buildSpec(app, fn);
  specs.set(fn, { app, spec });
  return spec;
}

function buildSpec(app: App, fn: Fn): FunctionSpec {
  const config = { ...(app.config ?? {}), ...fn.config };
  const spec: Omit<FunctionSpec, 'slotKey'> = {
    appId: app.id,
    appName: app.name,
    fnId: fn.id,
    fnName: fn.name,
    image: fn.image,
    memoryMB: fn.memory,
    cpus: 0,
    timeoutSecs: fn.timeout,
    idleTimeoutSecs: fn.idle_timeout,
    config,
    ...(app.syslog_url ? { syslogUrl: app.syslog_url } : {}),
    maxConcurrency: fnodeAnnotation(fn.annotations, 'maxConcurrency'),
    minHot: fnodeAnnotation(fn.annotations, 'minHot'),
  };
  return { ...spec, slotKey: slotKeyOf(spec, fn.annotations) };
}

/** Fn's getSlotQueueKey: the fields and sorted config and annotations. */
export function slotKeyOf(
  spec: Omit<FunctionSpec, 'slotKey'>,
  annotations?: Record<string, unknown>,
): string {
  const sorted = (o: Record<string, unknown> | undefined) =>
    Object.keys(o ?? {})
      .sort()
      .map((k) => [k, o?.[k]]);
  return JSON.stringify([
    spec.appId,
    spec.syslogUrl ?? '',
    spec.fnId,
    spec.image,
    spec.timeoutSecs,
    spec.idleTimeoutSecs,
    spec.memoryMB,
    spec.cpus,
    sorted(spec.config),
    sorted(annotations),
  ]);
}

/** The container's environment: config, then Fn's system keys, which always win. */
export function containerEnv(spec: FunctionSpec): Record<string, string> {
  return {
    ...spec.config,
    FN_APP_ID: spec.appId,
    FN_FN_ID: spec.fnId,
    FN_APP_NAME: spec.appName,
    FN_FN_NAME: spec.fnName,
    FN_MEMORY: String(spec.memoryMB),
    FN_TYPE: spec.type ?? 'sync',
    FN_FORMAT: 'http-stream',
    FN_LISTENER: 'unix:/tmp/iofs/lsnr.sock',
    // [V1] An http-stream route's container also gets Fn v1's route keys.
    ...(spec.path !== undefined ? { FN_PATH: spec.path } : {}),
    ...(spec.tmpfsSizeMB ? { FN_TMPSIZE: String(spec.tmpfsSizeMB) } : {}),
  };
}

/** Memory a container of `spec` takes from the budget: its limit plus its /tmp (as Fn). */
export function reservedBytes(spec: FunctionSpec): number {
  return (spec.memoryMB + (spec.tmpfsSizeMB ?? 0)) * 1024 * 1024;
}
