export {
  CallRollup,
  DURATION_BOUNDS_MS,
  percentileMs,
  type RollupFigures,
  type RollupSnapshot,
} from './call-rollup.js';
export { TelemetryObserver, type TelemetryObserverOptions } from './call-observer.js';
export { FnMetrics, type MetricSources, outcomeOf } from './metrics.js';
export { metricsPlugin, type MetricsPluginOptions } from './metrics-plugin.js';
export { SyslogHub, type SyslogHubOptions } from './syslog/container-syslog.js';
export { formatSyslog } from './syslog/syslog-format.js';
export { parseSyslogUrls, type SyslogTarget } from './syslog/syslog-target.js';
export { tracedStore } from './traced-store.js';
export { startTracing, type Tracing, tracingWanted } from './tracing.js';
export { tracingPlugin } from './tracing-plugin.js';
export { createTelemetry, type Telemetry, type TelemetryOptions } from './telemetry.js';
export type { EventSourcesSample } from './event-metrics.js';
