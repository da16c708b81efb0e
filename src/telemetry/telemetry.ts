import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { AgentObserver } from '../agent/index.js';
import type { TelemetryConfig } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import { TelemetryObserver } from './call-observer.js';
import { CallRollup } from './call-rollup.js';
import { FnMetrics, type MetricSources } from './metrics.js';
import { metricsPlugin } from './metrics-plugin.js';
import { SyslogHub } from './syslog/container-syslog.js';
import { tracedStore } from './traced-store.js';
import { startTracing, type Tracing } from './tracing.js';
import { tracingPlugin } from './tracing-plugin.js';

export interface TelemetryOptions {
  config: TelemetryConfig;
  logger: Logger;
  /** Sampled at scrape time (agent gauges, queue depth). */
  sources?: MetricSources;
}

/** Everything issue 6 adds, built once by the composition root. */
export interface Telemetry {
  readonly metrics: FnMetrics | undefined;
  readonly tracing: Tracing | undefined;
  /** The last hour of calls per fn, in memory (the dashboard's overview). */
  readonly rollup: CallRollup;
  /** For the agent: metrics, per-call stats, syslog, traces, user log lines. */
  readonly observer: AgentObserver;
  /** Fastify plugins (not encapsulated): `/metrics`, request metrics, request spans. */
  readonly plugins: { plugin: FastifyPluginAsync<never>; options: object }[];
  /** The store itself, or with a span around each write when tracing is on. */
  store<T extends Partial<Datastore>>(store: T): T;
  close(): Promise<void>;
}

export async function createTelemetry(opts: TelemetryOptions): Promise<Telemetry> {
  const { config, logger } = opts;
  const metrics = config.metrics ? new FnMetrics(opts.sources) : undefined;
  const tracing = config.tracing ? await startTracing() : undefined;
  if (tracing) logger.info('OpenTelemetry tracing on');
  const syslog = new SyslogHub({
    bufferBytes: config.syslogBufferBytes,
    tlsCaFile: config.syslogTlsCaFile,
    onDrop: metrics ? (reason) => metrics.syslogDrop(reason) : undefined,
    onError: (err, url) => logger.warn({ err, syslog_url: url }, 'syslog connection failed'),
  });
  const rollup = new CallRollup();
  const observer = new TelemetryObserver({ metrics, syslog, tracing, logger, rollup });
  const plugins: Telemetry['plugins'] = [];
  if (tracing) plugins.push({ plugin: tracingPlugin as FastifyPluginAsync<never>, options: { tracing } });
  if (metrics) plugins.push({ plugin: metricsPlugin as FastifyPluginAsync<never>, options: { metrics } });
  return {
    metrics,
    tracing,
    rollup,
    observer,
    plugins,
    store: (store) => (tracing ? tracedStore(store, tracing) : store),
    close: async () => {
      await tracing?.shutdown();
    },
  };
}
