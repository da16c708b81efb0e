import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config-types.js';

/**
 * Default request and response body limit: Fn's default is none, but a server that buffers whole
 * bodies in memory needs one (the size AWS Lambda allows a sync call).
 */
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Fn's server variables also accept `<NAME>_FILE=<path>`. */
function read(env: Env, name: string): string | undefined {
  const v = env[name];
  if (v !== undefined && v !== '') return v;
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  return undefined;
}

function int(env: Env, name: string, dflt: number, min = 0): number {
  const raw = read(env, name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not a valid integer (minimum ${min}); fix or unset it`,
    );
  }
  return n;
}

function bool(env: Env, name: string): boolean {
  const raw = read(env, name);
  if (raw === undefined) return false;
  if (/^(1|t|true)$/i.test(raw)) return true;
  if (/^(0|f|false)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a boolean (use true or false)`);
}

/** Fn's node types that need its gRPC load balancer and runners, which fnode does not have. */
const FN_CLUSTER_NODE_TYPES = ['lb', 'runner', 'pure-runner'];

function nodeTypeOf(env: Env): Config['nodeType'] {
  const raw = read(env, 'FN_NODE_TYPE') ?? 'full';
  if (raw === 'full' || raw === 'api') return raw;
  if (FN_CLUSTER_NODE_TYPES.includes(raw)) {
    throw new ConfigError(
      `FN_NODE_TYPE=${raw} is not supported: fnode runs full nodes (API and functions) or api nodes ` +
        '(API only); put several full nodes behind any HTTP load balancer (README: Several nodes)',
    );
  }
  throw new ConfigError(`FN_NODE_TYPE=${JSON.stringify(raw)} must be full or api`);
}

/** Fn settings fnode has no use for: refused, rather than read and silently ignored. */
function refuseUnused(env: Env): void {
  if (read(env, 'FN_HOT_POLL_MSECS') !== undefined) {
    throw new ConfigError(
      'FN_HOT_POLL_MSECS is not used by fnode (it is told when a container is ready, it does not poll): unset it',
    );
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevelOf(env: Env): string {
  const raw = read(env, 'FN_LOG_LEVEL');
  if (raw === undefined) return 'info';
  const level = raw.toLowerCase();
  // Fn's logrus names one level differently.
  if (level === 'warning') return 'warn';
  if (LOG_LEVELS.includes(level)) return level;
  throw new ConfigError(`FN_LOG_LEVEL=${JSON.stringify(raw)} must be one of ${LOG_LEVELS.join(', ')}`);
}

function authSetting(env: Env): boolean {
  const raw = read(env, 'FNODE_AUTH');
  if (raw === undefined || /^(on|1|t|true)$/i.test(raw)) return true;
  if (/^(off|0|f|false)$/i.test(raw)) return false;
  throw new ConfigError(`FNODE_AUTH=${JSON.stringify(raw)} must be on or off`);
}

function tlsFiles(env: Env): Config['tls'] {
  const certFile = read(env, 'FN_TLS_CERT_FILE');
  const keyFile = read(env, 'FN_TLS_KEY_FILE');
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new ConfigError('FN_TLS_CERT_FILE and FN_TLS_KEY_FILE go together: set both to serve HTTPS');
  }
  return { certFile, keyFile };
}
/** Fn's FN_MAX_REQUEST_HEADER_SIZE default: 1 MiB (Node's own is 16 KiB). */
export const DEFAULT_MAX_REQUEST_HEADER_SIZE = 1024 * 1024;

/** Memory the agent may hand out: 90 % of the machine's memory, capped by FN_MAX_TOTAL_MEMORY_BYTES. */
function defaultMemory(): number {
  return Math.floor(totalmem() * 0.9);
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const dataDir = read(env, 'FNODE_DATA_DIR') ?? join(cwd, 'data');
  const nodeType = nodeTypeOf(env);
  refuseUnused(env);
  const dbUrl = read(env, 'FN_DB_URL') ?? `sqlite3://${join(dataDir, 'fn.db')}`;
  const maxMem = int(env, 'FN_MAX_TOTAL_MEMORY_BYTES', 0);
  const config: Config = {
    port: int(env, 'FN_PORT', 8080),
    nodeType,
    dbUrl,
    mqUrl: read(env, 'FN_MQ_URL') ?? dbUrl,
    logstoreUrl: read(env, 'FN_LOGSTORE_URL') ?? dbUrl,
    logLevel: logLevelOf(env),
    publicLbUrl: read(env, 'FN_PUBLIC_LB_URL')?.replace(/\/+$/, ''),
    maxRequestSize: int(env, 'FN_MAX_REQUEST_SIZE', DEFAULT_MAX_BODY_BYTES),
    maxRequestHeaderSize: int(env, 'FN_MAX_REQUEST_HEADER_SIZE', DEFAULT_MAX_REQUEST_HEADER_SIZE, 1024),
    dataDir,
    callRetentionSecs: int(env, 'FNODE_CALL_RETENTION_SECS', 7 * 86_400),
    shutdownGraceSecs: int(env, 'FNODE_SHUTDOWN_GRACE_SECS', 30),
    auth: authSetting(env),
    tls: tlsFiles(env),
    agent: {
      dockerNetworks: (read(env, 'FN_DOCKER_NETWORKS') ?? '').split(/\s+/).filter(Boolean),
      maxTotalMemoryBytes: maxMem > 0 ? Math.min(maxMem, defaultMemory()) : defaultMemory(),
      hotStartTimeoutMsecs: int(env, 'FN_HOT_START_TIMEOUT_MSECS', 5000, 1),
      launchGraceMsecs: int(env, 'FNODE_LAUNCH_GRACE_MSECS', 50),
      maxStartingContainers: int(env, 'FNODE_MAX_STARTING_CONTAINERS', 2 * availableParallelism(), 1),
      maxWaitingCalls: int(env, 'FNODE_MAX_WAITING_CALLS', 512),
      exactCallLogs: bool(env, 'FNODE_EXACT_CALL_LOGS'),
      maxResponseSize: int(env, 'FN_MAX_RESPONSE_SIZE', DEFAULT_MAX_BODY_BYTES),
      maxLogSizeBytes: int(env, 'FN_MAX_LOG_SIZE_BYTES', 1024 * 1024),
      maxPids: int(env, 'FN_MAX_PIDS', 50, 1),
      containerLabelTag: read(env, 'FN_CONTAINER_LABEL_TAG') ?? 'fnode',
      iofsPath: read(env, 'FN_IOFS_PATH'),
      disableReadonlyRootfs: bool(env, 'FN_DISABLE_READONLY_ROOTFS'),
      disableUnprivilegedContainers: bool(env, 'FN_DISABLE_UNPRIVILEGED_CONTAINERS'),
    },
    telemetry: {
      metrics: read(env, 'FNODE_METRICS') === undefined || bool(env, 'FNODE_METRICS'),
      callStats: read(env, 'FNODE_CALL_STATS') === undefined || bool(env, 'FNODE_CALL_STATS'),
      syslogTlsCaFile: read(env, 'FNODE_SYSLOG_TLS_CA_FILE'),
      syslogBufferBytes: int(env, 'FNODE_SYSLOG_BUFFER_BYTES', 256 * 1024, 1024),
      tracing:
        env['OTEL_TRACES_EXPORTER'] !== 'none' &&
        Boolean(
          env['OTEL_TRACES_EXPORTER'] ||
            env['OTEL_EXPORTER_OTLP_ENDPOINT'] ||
            env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
        ),
    },
    events: {
      natsUrl: read(env, 'FNODE_NATS_URL') ?? 'nats://127.0.0.1:4222',
      amqpUrl: read(env, 'FNODE_AMQP_URL') ?? 'amqp://guest:guest@127.0.0.1:5672',
      mqttUrl: read(env, 'FNODE_MQTT_URL') ?? 'mqtt://127.0.0.1:1883',
      redisUrl:
        read(env, 'FNODE_REDIS_URL') ??
        (/^rediss?:/.test(read(env, 'FN_MQ_URL') ?? '')
          ? (read(env, 'FN_MQ_URL') as string)
          : 'redis://127.0.0.1:6379'),
      redeliverSecs: int(env, 'FNODE_EVENT_REDELIVER_SECS', 30, 1),
    },
    async: {
      concurrency: int(env, 'FNODE_ASYNC_CONCURRENCY', 0),
      pollMsecs: int(env, 'FNODE_ASYNC_POLL_MSECS', 50, 1),
      leaseMsecs: int(env, 'FNODE_ASYNC_LEASE_MSECS', 10_000, 300),
      maxResponseBytes: int(env, 'FNODE_ASYNC_MAX_RESPONSE_BYTES', 64 * 1024),
      idempotencyWindowSecs: int(env, 'FNODE_IDEMPOTENCY_WINDOW_SECS', 86_400, 1),
      redisPrefix: read(env, 'FNODE_MQ_REDIS_PREFIX'),
      readyMaxQueueAgeSecs: int(env, 'FNODE_READY_MAX_QUEUE_AGE_SECS', 300),
    },
  };
  return Object.freeze({
    ...config,
    events: Object.freeze(config.events),
    agent: Object.freeze(config.agent),
    async: Object.freeze(config.async),
    telemetry: Object.freeze(config.telemetry),
  });
}
