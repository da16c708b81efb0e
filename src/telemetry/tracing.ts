import type * as OtelApi from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';

type Env = Record<string, string | undefined>;

/** Tracing is on when an OTLP endpoint or a traces exporter (other than `none`) is configured. */
export function tracingWanted(env: Env): boolean {
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim();
  if (exporter === 'none') return false;
  return Boolean(exporter || env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/** The loaded OpenTelemetry SDK: a tracer and the API it came from. */
export interface Tracing {
  readonly api: typeof OtelApi;
  readonly tracer: Tracer;
  /** Starts a span, a child of `parent` (default: the active context). */
  start(name: string, options?: OtelApi.SpanOptions, parent?: Context): Span;
  /** The W3C `traceparent` of `span`. */
  traceparent(span: Span): string;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

let loaded: Promise<Tracing> | undefined;

/**
 * Loads the OpenTelemetry SDK (only now: with tracing off nothing of it is imported) with the
 * exporter the standard OTEL_* variables name: OTLP over HTTP (JSON encoding; OTEL_EXPORTER_OTLP_*
 * endpoint, headers, timeout) or `console`. One provider per process, registered globally with
 * the W3C trace-context propagator and an AsyncLocalStorage context manager.
 */
export function startTracing(env: Env = process.env): Promise<Tracing> {
  loaded ??= load(env);
  return loaded;
}

async function load(env: Env): Promise<Tracing> {
  const [api, sdk, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  const kind = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp').split(',')[0]?.trim() || 'otlp';
  let exporter: import('@opentelemetry/sdk-trace-node').SpanExporter;
  if (kind === 'console') exporter = new sdk.ConsoleSpanExporter();
  else if (kind === 'otlp') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter();
  } else throw new Error(`OTEL_TRACES_EXPORTER=${kind} is not supported (use otlp, console or none)`);
  const provider = new sdk.NodeTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? 'fnode' }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  provider.register();
  const tracer = api.trace.getTracer('fnode');
  return {
    api,
    tracer,
    start: (name, options, parent) => tracer.startSpan(name, options, parent ?? api.context.active()),
    traceparent(span) {
      const c = span.spanContext();
      return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 1) === 1 ? '01' : '00'}`;
    },
    async shutdown() {
      await provider.forceFlush();
    },
  };
}
