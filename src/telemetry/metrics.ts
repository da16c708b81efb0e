import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { type EventSourcesSample, eventMetrics } from './event-metrics.js';
import type { AgentStats } from '../agent/index.js';
import type { QueueBacklog } from '../queue/index.js';
import { isError, isValidId, type StatsPoint } from '../models/index.js';
import { type CounterCell, type HistogramCell, HotCounter, HotHistogram } from './hot-metrics.js';
import { agentGauges, backlogGauges } from './scrape-gauges.js';

/** Seconds; from 1 ms to Fn's longest async timeout. */
const DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];
/** Bytes of network and block I/O (cumulative per container): 1 KiB to 16 GiB, ×4. */
const IO_BYTES_BUCKETS = Array.from({ length: 13 }, (_, i) => 1024 * 4 ** i);
/** Bytes of memory: 1 MiB to 64 GiB, ×2. */
const MEM_BYTES_BUCKETS = Array.from({ length: 17 }, (_, i) => 2 ** (20 + i));
/** CPU percent of one core (Fn's `cpu_*`: Δusage / Δsystem × cores × 100). */
const CPU_PCT_BUCKETS = [1, 2.5, 5, 10, 25, 50, 75, 100, 200, 400, 800];
/** Fn's unreduced docker stats metrics (fn-contract §7): `fn_docker_stats_<key>` per StatsPoint key. */
const DOCKER_STATS: [key: string, help: string, buckets: number[]][] = [
  ['net_rx', 'Network bytes received by a container (cumulative, per sample)', IO_BYTES_BUCKETS],
  ['net_tx', 'Network bytes sent by a container (cumulative, per sample)', IO_BYTES_BUCKETS],
  ['disk_read', 'Block I/O bytes read by a container (cumulative, per sample)', IO_BYTES_BUCKETS],
  ['disk_write', 'Block I/O bytes written by a container (cumulative, per sample)', IO_BYTES_BUCKETS],
  ['mem_limit', 'Memory limit of a container (bytes, per sample)', MEM_BYTES_BUCKETS],
  ['mem_usage', 'Memory used by a container (bytes, per sample)', MEM_BYTES_BUCKETS],
  ['cpu_user', 'User CPU of a container (percent of a core, per sample)', CPU_PCT_BUCKETS],
  ['cpu_total', 'Total CPU of a container (percent of a core, per sample)', CPU_PCT_BUCKETS],
  ['cpu_kernel', 'Kernel CPU of a container (percent of a core, per sample)', CPU_PCT_BUCKETS],
];
/** Distinct functions given their own labels; the rest share `other` (bounded cardinality). */
const MAX_LABELLED_FNS = 1000;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export type CallOutcome = 'success' | 'error' | 'timeout' | 'server_busy';

/** Who a call belongs to: ids for joins, names for the people reading a dashboard. */
export interface FnLabels {
  appId: string;
  fnId: string;
  appName: string;
  fnName: string;
}

/** What /metrics samples at scrape time instead of counting on the hot path. */
export type AgentGaugeSource = AgentStats;

export interface MetricSources {
  agent?: () => AgentGaugeSource;
  /** The async queue's backlog; bounded by `queueTimeoutMs` at scrape. */
  queueBacklog?: () => Promise<QueueBacklog>;
  queueTimeoutMs?: number;
  /** Event trigger sources (issue 17). */
  events?: () => Promise<EventSourcesSample | undefined>;
}

type HistogramChild = ReturnType<Histogram<string>['labels']>;

interface FnChildren {
  outcomes: Record<CallOutcome, CounterCell>;
  duration: HistogramCell;
  start: HistogramChild;
}

interface ApiChildren {
  requests: CounterCell;
  responses: CounterCell;
  latency: HistogramCell;
}

/**
 * fnode's Prometheus metrics in their own registry: Fn's `fn_*` names where Fn has them (with
 * Fn's faults fixed: values that go down are gauges, durations are seconds), fnode's own under
 * `fnode_*`. What every call updates is kept in HotCounter/HotHistogram series cached per function
 * and per route (an update is an addition); the rest uses prom-client's types.
 */
export class FnMetrics {
  readonly registry = new Registry();
  private readonly fns = new Map<string, FnChildren>();
  /** By route pattern, then method, then status. */
  private readonly api = new Map<string, Map<string, Map<number, ApiChildren>>>();

  private readonly calls: CounterCell;
  private readonly completed: CounterCell;
  private readonly errors: CounterCell;
  private readonly timeouts: CounterCell;
  private readonly serverBusy: CounterCell;
  private readonly callOutcomes: HotCounter;
  private readonly callDuration: HotHistogram;
  private readonly queueDuration: HistogramCell;
  private readonly containerStartDuration: Histogram<'app_id' | 'fn_id'>;
  private readonly containerStarts: Counter<'outcome'>;
  private readonly syslogDropped: Counter<'reason'>;
  private readonly apiRequests: HotCounter;
  private readonly apiResponses: HotCounter;
  private readonly apiLatency: HotHistogram;
  /** `fn_docker_stats_*` by StatsPoint key, without labels (as Fn). */
  private readonly dockerStats: [key: string, h: Histogram][];

  constructor(sources: MetricSources = {}) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Histogram<L>({ name, help, labelNames, buckets: DURATION_BUCKETS, registers });

    const hotCounter = (name: string, help: string) => new HotCounter(name, help, this.registry).with();
    this.calls = hotCounter('fn_calls', 'Calls submitted to the agent');
    this.completed = hotCounter('fn_completed', 'Calls answered successfully');
    this.errors = hotCounter('fn_errors', 'Calls that failed (other than timeouts and busy)');
    this.timeouts = hotCounter('fn_timeouts', 'Calls that timed out');
    this.serverBusy = hotCounter('fn_server_busy', 'Calls refused because no capacity freed up in time');
    this.callOutcomes = new HotCounter(
      'fnode_calls_total',
      'Calls by function and outcome',
      this.registry,
      true,
    );
    this.callDuration = new HotHistogram(
      'fnode_call_duration_seconds',
      'Execution time of calls on a container',
      this.registry,
      DURATION_BUCKETS,
      true,
    );
    this.queueDuration = new HotHistogram(
      'fnode_call_queue_seconds',
      'Time from submit until a call got a container',
      this.registry,
      DURATION_BUCKETS,
    ).with();
    this.containerStartDuration = histogram(
      'fn_container_start_duration_seconds',
      'Time to start a container until its socket is ready (seconds)',
      ['app_id', 'fn_id', 'app_name', 'fn_name'],
    );
    this.containerStarts = counter('fnode_container_starts_total', 'Container starts by outcome', [
      'outcome',
    ]);
    this.syslogDropped = counter(
      'fnode_syslog_dropped_lines_total',
      'Function log lines not sent to syslog',
      ['reason'],
    );
    this.apiRequests = new HotCounter(
      'fn_api_request_count',
      'HTTP requests by route pattern',
      this.registry,
      true,
    );
    this.apiResponses = new HotCounter(
      'fn_api_response_count',
      'HTTP responses by route pattern and status',
      this.registry,
      true,
    );
    this.apiLatency = new HotHistogram(
      'fn_api_latency',
      'HTTP request latency (seconds)',
      this.registry,
      DURATION_BUCKETS,
      true,
    );

    this.dockerStats = DOCKER_STATS.map(([key, help, buckets]) => [
      key,
      new Histogram({ name: `fn_docker_stats_${key}`, help, buckets, registers }),
    ]);

    if (sources.agent) agentGauges(this.registry, sources.agent);
    if (sources.queueBacklog)
      backlogGauges(this.registry, sources.queueBacklog, sources.queueTimeoutMs ?? 500);
    if (sources.events) eventMetrics(this.registry, sources.events);
    collectDefaultMetrics({ register: this.registry });
  }

  callSubmitted(): void {
    this.calls.inc();
  }

  /** A call left the agent; durations in ms, `startedAt` absent when it never got a container. */
  callFinished(fn: FnLabels, err: unknown, queueMs: number | undefined, execMs: number | undefined): void {
    const outcome = outcomeOf(err);
    if (outcome === 'success') this.completed.inc();
    else if (outcome === 'timeout') this.timeouts.inc();
    else if (outcome === 'server_busy') this.serverBusy.inc();
    else this.errors.inc();
    const c = this.fnChildren(fn);
    c.outcomes[outcome].inc();
    if (execMs !== undefined) c.duration.observe(execMs / 1000);
    if (queueMs !== undefined) this.queueDuration.observe(Math.max(0, queueMs) / 1000);
  }

  containerStarted(fn: FnLabels, ms: number, ok: boolean): void {
    this.containerStarts.inc({ outcome: ok ? 'success' : 'error' });
    if (ok) this.fnChildren(fn).start.observe(ms / 1000);
  }

  syslogDrop(reason: 'buffer_full' | 'disconnected'): void {
    this.syslogDropped.inc({ reason });
  }

  /** One raw sample of a container's Docker stats stream (about one a second per container). */
  dockerStatsSample(p: StatsPoint): void {
    const m = p.metrics;
    for (const [key, h] of this.dockerStats) {
      const v = m[key];
      if (v !== undefined && Number.isFinite(v)) h.observe(v);
    }
  }

  /** dockerStatsSample bound, for the Docker driver's `onStatsSample`. */
  dockerStatsSampler(): (p: StatsPoint) => void {
    return (p) => this.dockerStatsSample(p);
  }

  /** One answered HTTP request; `path` is the route pattern (never the raw URL), '' when no route matched. */
  apiRequest(method: string, path: string, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : 'OTHER';
    // Looked up by route, method and status in turn: no key string to build and hash per request.
    let byMethod = this.api.get(path);
    if (!byMethod) {
      byMethod = new Map();
      this.api.set(path, byMethod);
    }
    let byStatus = byMethod.get(m);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(m, byStatus);
    }
    let c = byStatus.get(status);
    if (!c) {
      const p = path === '' ? 'unmatched' : path;
      const s = String(status);
      c = {
        requests: this.apiRequests.with({ path: p, method: m }),
        responses: this.apiResponses.with({ path: p, method: m, status: s }),
        latency: this.apiLatency.with({ path: p, method: m, status: s }),
      };
      byStatus.set(status, c);
    }
    c.requests.inc();
    c.responses.inc();
    c.latency.observe(seconds);
  }

  /** The text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private fnChildren(fn: FnLabels): FnChildren {
    let c = this.fns.get(fn.fnId);
    if (c) return c;
    const labelled = this.fns.size < MAX_LABELLED_FNS && isValidId(fn.appId) && isValidId(fn.fnId);
    const key = labelled ? fn.fnId : 'other';
    c = this.fns.get(key);
    if (!c) {
      const ids = labelled ? { app_id: fn.appId, fn_id: fn.fnId } : { app_id: 'other', fn_id: 'other' };
      // The names of the fn when first seen here (a v1 route's name is its path).
      const names = labelled
        ? { app_name: fn.appName, fn_name: fn.fnName }
        : { app_name: 'other', fn_name: 'other' };
      const labels = { ...ids, ...names };
      const outcome = (o: CallOutcome) => this.callOutcomes.with({ ...ids, outcome: o, ...names });
      c = {
        outcomes: {
          success: outcome('success'),
          error: outcome('error'),
          timeout: outcome('timeout'),
          server_busy: outcome('server_busy'),
        },
        duration: this.callDuration.with(labels),
        start: this.containerStartDuration.labels(labels),
      };
      this.fns.set(key, c);
    }
    return c;
  }
}

export function outcomeOf(err: unknown): CallOutcome {
  if (err === undefined) return 'success';
  if (isError(err, 'CallTimeout')) return 'timeout';
  if (isError(err, 'CallTimeoutServerBusy')) return 'server_busy';
  return 'error';
}
