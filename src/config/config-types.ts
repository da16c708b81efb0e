/** fnode's configuration, read once at start from Fn's environment variables, then frozen. */
export interface Config {
  readonly port: number;
  /** `full`: API and functions; `api`: the API alone (FN_NODE_TYPE). */
  readonly nodeType: 'full' | 'api';
  readonly dbUrl: string;
  readonly mqUrl: string;
  readonly logstoreUrl: string;
  readonly logLevel: string;
  readonly publicLbUrl: string | undefined;
  /**
   * Request body limit in bytes on every route (FN_MAX_REQUEST_SIZE, default 6 MiB): 413 beyond.
   * 0 = no limit.
   */
  readonly maxRequestSize: number;
  /** The request line and headers of a request, in bytes (FN_MAX_REQUEST_HEADER_SIZE, Fn's 1 MiB). */
  readonly maxRequestHeaderSize: number;
  readonly dataDir: string;
  /**
   * Call records, their logs and stored responses are removed this long after the call was
   * created (FNODE_CALL_RETENTION_SECS, default 7 days); 0 keeps them forever.
   */
  readonly callRetentionSecs: number;
  /** On SIGTERM/SIGINT: how long running calls may take to finish before the server exits anyway. */
  readonly shutdownGraceSecs: number;
  /**
   * Bearer tokens on every route but /version and health (FNODE_AUTH, default on); off is Fn's
   * behaviour, for a trusted network only.
   */
  readonly auth: boolean;
  /** FN_TLS_CERT_FILE and FN_TLS_KEY_FILE: serve HTTPS (both re-read on SIGHUP). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly agent: AgentConfig;
  readonly async: AsyncConfig;
  readonly telemetry: TelemetryConfig;
  readonly events: EventsConfig;
}

/**
 * Event triggers (issue 17): the brokers' URLs, each connected only when a trigger uses it.
 * Credentials belong here, never in a trigger's `fnode.io/broker-url` (refused there).
 */
export interface EventsConfig {
  /** FNODE_NATS_URL, default nats://127.0.0.1:4222. */
  readonly natsUrl: string;
  /** FNODE_AMQP_URL, default amqp://guest:guest@127.0.0.1:5672. */
  readonly amqpUrl: string;
  /** FNODE_MQTT_URL, default mqtt://127.0.0.1:1883. */
  readonly mqttUrl: string;
  /** FNODE_REDIS_URL, default FN_MQ_URL when that is Redis, else redis://127.0.0.1:6379. */
  readonly redisUrl: string;
  /**
   * A Redis stream entry read by a node that died before queueing it is claimed by another
   * after this long (FNODE_EVENT_REDELIVER_SECS, default 30).
   */
  readonly redeliverSecs: number;
}

/** Observability (issue 6): metrics, per-call stats, syslog. Tracing reads the standard OTEL_* variables. */
export interface TelemetryConfig {
  /** `GET /metrics` and the metric updates (FNODE_METRICS, default true). */
  readonly metrics: boolean;
  /** Seed 001 per-call statistics from Docker's stats stream (FNODE_CALL_STATS, default true). */
  readonly callStats: boolean;
  /** PEM file of extra CAs trusted by `tcp+tls://` syslog URLs (FNODE_SYSLOG_TLS_CA_FILE). */
  readonly syslogTlsCaFile: string | undefined;
  /** Bytes a syslog connection may hold unsent before lines are dropped (FNODE_SYSLOG_BUFFER_BYTES). */
  readonly syslogBufferBytes: number;
  /**
   * OpenTelemetry traces: on when OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
   * OTEL_TRACES_EXPORTER (other than `none`) is set; the SDK reads the other OTEL_* variables.
   */
  readonly tracing: boolean;
}

/** The async runner (FNODE_ASYNC_*). */
export interface AsyncConfig {
  /** Async calls run at once at most (also bounded by the agent's free capacity). */
  readonly concurrency: number;
  /** How often an idle runner looks at the queue (a local enqueue wakes it at once). */
  readonly pollMsecs: number;
  /**
   * Lease on a reserved call, renewed while it runs: a call whose server died runs again this
   * long after the last renewal, whatever the call's own timeout.
   */
  readonly leaseMsecs: number;
  /** Cap of the response body stored with an async call. */
  readonly maxResponseBytes: number;
  /** How long an Idempotency-Key keeps answering with the same call. */
  readonly idempotencyWindowSecs: number;
  /** Key prefix of the Redis queue (FNODE_MQ_REDIS_PREFIX); the queue's default when unset. */
  readonly redisPrefix: string | undefined;
  /** /health/ready fails while the oldest due async call has waited longer (0 = never). */
  readonly readyMaxQueueAgeSecs: number;
}

export interface AgentConfig {
  readonly dockerNetworks: readonly string[];
  readonly maxTotalMemoryBytes: number;
  readonly hotStartTimeoutMsecs: number;
  /** How long a call waits for a busy hot container to free up before another is started. */
  readonly launchGraceMsecs: number;
  /**
   * Containers starting at once on this host. Starts beyond it wait their turn: a burst of many
   * parallel starts makes every one of them slow (Docker does the work on the same cores) until
   * they all miss FN_HOT_START_TIMEOUT_MSECS.
   */
  readonly maxStartingContainers: number;
  /**
   * Sync calls that may wait for one fn's containers (or for memory to start one); more are
   * refused at once with Fn's 503 `Timed out - server too busy` rather than left to pile up
   * until their timeouts. 0 = no bound.
   */
  readonly maxWaitingCalls: number;
  /**
   * Each call's log gets exactly the lines it wrote, through a marker written into the
   * container's output at every call's end. Off by default: the markers cost about 0.3 ms of
   * Docker's work a call, and Fn itself attributes lines by when they arrive.
   */
  readonly exactCallLogs: boolean;
  /**
   * Function response body limit in bytes, every format (FN_MAX_RESPONSE_SIZE, default 6 MiB):
   * 502 beyond. 0 = no limit.
   */
  readonly maxResponseSize: number;
  readonly maxLogSizeBytes: number;
  readonly maxPids: number;
  readonly containerLabelTag: string;
  readonly iofsPath: string | undefined;
  readonly disableReadonlyRootfs: boolean;
  readonly disableUnprivilegedContainers: boolean;
}
