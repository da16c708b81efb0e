import { Type } from '../server/index.js';
import type { FastifyInstance } from 'fastify';
import type { CallRollup } from '../telemetry/index.js';

const Ms = Type.Union([Type.Number(), Type.Null()], { description: 'ms; null without calls' });
const figures = {
  calls: Type.Integer(),
  errors: Type.Integer({ description: 'Calls that failed (errors and timeouts)' }),
  calls_per_sec: Type.Number(),
  error_rate: Type.Number({ description: 'errors / calls, 0 to 1' }),
  p50_ms: Ms,
  p99_ms: Ms,
  hot_containers: Type.Integer({
    description: 'Containers up now (per minute: the most seen in that minute)',
  }),
};
const Stats = Type.Object(
  {
    since: Type.String({ format: 'date-time', description: 'Start of the first minute' }),
    minute_secs: Type.Integer(),
    totals: Type.Object(figures),
    minutes: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), ...figures }), {
      description: 'The last 60 minutes, oldest first',
    }),
    apps: Type.Array(Type.Object({ app_id: Type.String(), app_name: Type.String(), ...figures })),
    fns: Type.Array(
      Type.Object({
        app_id: Type.String(),
        app_name: Type.String(),
        fn_id: Type.String({ description: '"" for a v1 route' }),
        fn_name: Type.String({ description: 'The fn, or the v1 route path' }),
        ...figures,
      }),
      { description: 'Busiest first' },
    ),
  },
  {
    description:
      "The last hour of this node's calls, per minute, app and fn: kept in memory, empty after a restart",
  },
);
const StatsQuery = Type.Object({
  app_id: Type.Optional(Type.String({ description: "Only this app's fns" })),
  fn_id: Type.Optional(Type.String({ description: 'Only this fn' })),
});

/** `GET /v2/stats`: the dashboard's overview, from the node's in-memory rollup of calls. */
export async function statsRoutes(app: FastifyInstance, opts: { rollup: CallRollup }): Promise<void> {
  app.get(
    '/v2/stats',
    {
      schema: {
        operationId: 'getStats',
        summary: "The last hour of this node's calls: rate, errors, p50/p99 duration, hot containers",
        tags: ['stats'],
        querystring: StatsQuery,
        response: { 200: Stats },
      },
    },
    async (req) => {
      const q = req.query as { app_id?: string; fn_id?: string };
      // An id nothing ran under (unknown or not) is an empty hour, not an error: the rollup
      // knows only what ran on this node.
      return opts.rollup.snapshot({
        ...(q.app_id ? { appId: q.app_id } : {}),
        ...(q.fn_id ? { fnId: q.fn_id } : {}),
      });
    },
  );
}
