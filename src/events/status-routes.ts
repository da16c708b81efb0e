import type { FastifyPluginAsync } from 'fastify';
import type { Datastore } from '../datastore/index.js';
import { cronSchedule, cronTimeZone, isEventTriggerType, isValidId, fail } from '../models/index.js';
import { errorResponses, Type } from '../server/index.js';
import type { TriggerSources } from './trigger-sources.js';

const Str = (description: string) => Type.Optional(Type.String({ description }));

export const TriggerStatusSchema = Type.Object(
  {
    trigger_id: Type.String(),
    type: Type.String(),
    state: Type.Union(
      ['connecting', 'running', 'reconnecting', 'stopped', 'not_running', 'not_applicable'].map((s) =>
        Type.Literal(s),
      ),
      {
        description:
          "This node's source of the trigger. not_running: this node runs none (an api node, or not reconciled yet); not_applicable: an http trigger",
      },
    ),
    broker: Str('The broker URL, its password masked'),
    next_fire_at: Type.Optional(Type.String({ format: 'date-time', description: 'cron: the next tick' })),
    delivered: Type.Optional(
      Type.Integer({ description: 'Messages queued as calls by this node since the source started' }),
    ),
    failed: Type.Optional(
      Type.Integer({ description: 'Messages whose queueing failed (left to the broker to deliver again)' }),
    ),
    last_delivery_at: Type.Optional(Type.String({ format: 'date-time' })),
    last_error: Str('The last connection or queueing problem, while it lasts'),
    consumer: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
        description: 'What the broker says of the consumer: group, pending, lag, queue depth',
      }),
    ),
  },
  { description: "A trigger's source on this node" },
);

/** `GET /v2/triggers/{trigger_id}/status`: the next fire time or consumer state (`fnode inspect`). */
export const triggerStatusRoutes: FastifyPluginAsync<{
  datastore: Pick<Datastore, 'getTriggerById'>;
  sources: TriggerSources | undefined;
}> = async (app, { datastore, sources }) => {
  app.get<{ Params: { trigger_id: string } }>(
    '/v2/triggers/:trigger_id/status',
    {
      schema: {
        tags: ['triggers'],
        operationId: 'getTriggerStatus',
        summary: "A trigger's source on this node: next fire time (cron) or broker consumer state",
        params: Type.Object({ trigger_id: Type.String() }),
        response: { 200: TriggerStatusSchema, ...errorResponses(404, 500) },
      },
    },
    async (req) => {
      const id = req.params.trigger_id;
      if (!isValidId(id)) fail('TriggerNotFound');
      const t = await datastore.getTriggerById(id);
      if (!isEventTriggerType(t.type)) return { trigger_id: t.id, type: t.type, state: 'not_applicable' };
      const status = await sources?.status(t.id);
      if (status) return { trigger_id: t.id, type: t.type, ...status };
      const next =
        t.type === 'cron' ? cronSchedule(t.source, cronTimeZone(t.annotations)).nextRun() : undefined;
      return {
        trigger_id: t.id,
        type: t.type,
        state: 'not_running',
        ...(next ? { next_fire_at: next.toISOString() } : {}),
      };
    },
  );
};
