import type { Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Tracing } from './tracing.js';

export interface TracingPluginOptions {
  tracing: Tracing;
}

/**
 * A server span per HTTP request, continuing the caller's W3C `traceparent`. The span becomes
 * the active context from `preHandler` on (after the body is read), so everything the handler
 * starts (placement, container start, the call, datastore writes) is its child.
 */
const plugin = async (app: FastifyInstance, opts: TracingPluginOptions): Promise<void> => {
  const { api, tracer } = opts.tracing;
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (req, _reply, done) => {
    const parent = api.propagation.extract(api.ROOT_CONTEXT, req.headers);
    const route = req.routeOptions.url ?? '';
    const span = tracer.startSpan(
      route ? `${req.method} ${route}` : req.method,
      {
        kind: api.SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          'http.route': route,
          'url.path': req.url.split('?')[0] ?? '',
        },
      },
      parent,
    );
    spans.set(req, span);
    done();
  });
  app.addHook('preHandler', (req, _reply, done) => {
    const span = spans.get(req);
    if (!span) return done();
    api.context.with(api.trace.setSpan(api.context.active(), span), done);
  });
  app.addHook('onResponse', (req, reply, done) => {
    const span = spans.get(req);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      const callId = reply.getHeader('fn-call-id');
      if (typeof callId === 'string') span.setAttribute('fn.call_id', callId);
      if (reply.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
};

(plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const tracingPlugin: FastifyPluginAsync<TracingPluginOptions> = plugin;
