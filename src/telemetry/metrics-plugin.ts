import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { FnMetrics } from './metrics.js';

export interface MetricsPluginOptions {
  metrics: FnMetrics;
}

const metricsSchema = {
  operationId: 'getMetrics',
  tags: ['service'],
  summary: 'Prometheus metrics (text exposition format)',
  response: {
    200: { description: 'The metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
  },
};

/**
 * `GET /metrics` (Prometheus text format) and the `fn_api_*` request metrics for every route,
 * labelled with the route pattern, never the raw URL. Registered without encapsulation so its
 * hook sees every route of the server.
 */
const plugin = async (app: FastifyInstance, opts: MetricsPluginOptions): Promise<void> => {
  const { metrics } = opts;
  app.addHook('onResponse', (req, reply, done) => {
    metrics.apiRequest(req.method, req.routeOptions.url ?? '', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: metricsSchema }, async (_req, reply) => {
    const text = await metrics.scrape();
    return reply.header('content-type', metrics.contentType).send(text);
  });
};

// fastify-plugin's marker: the hook applies to the whole server, not just this plugin's scope.
(plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = plugin;
