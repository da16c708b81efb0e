import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TriggersService } from '../api/index.js';
import { baseUrl } from './base-url.js';
import { NoContent, errorResponses } from './schemas/common-schemas.js';
import {
  TriggerBody,
  TriggerBySourceParams,
  TriggerList,
  TriggerListQuery,
  TriggerParams,
} from './schemas/trigger-schemas.js';

const Trigger = Type.Ref('Trigger');
const tags = ['triggers'];

type Params = { Params: Static<typeof TriggerParams> };
type Body = { Body: Static<typeof TriggerBody> };

export const triggersRoutes: FastifyPluginAsync<{
  triggers: TriggersService;
  publicUrl: string | undefined;
}> = async (app, { triggers, publicUrl }) => {
  app.get<{ Querystring: Static<typeof TriggerListQuery> }>(
    '/v2/triggers',
    {
      schema: {
        tags,
        operationId: 'listTriggers',
        summary: 'List the triggers of an app, optionally of one fn',
        querystring: TriggerListQuery,
        response: { 200: TriggerList, ...errorResponses(400, 500) },
      },
    },
    async (req) => triggers.list(req.query, baseUrl(req, publicUrl)),
  );

  app.post<Body>(
    '/v2/triggers',
    {
      schema: {
        tags,
        operationId: 'createTrigger',
        summary: 'Create a trigger',
        body: TriggerBody,
        response: { 200: Trigger, ...errorResponses(400, 404, 409, 500) },
      },
    },
    async (req) => triggers.create(req.body, baseUrl(req, publicUrl)),
  );

  app.get<Params>(
    '/v2/triggers/:trigger_id',
    {
      schema: {
        tags,
        operationId: 'getTrigger',
        summary: 'Get a trigger',
        params: TriggerParams,
        response: { 200: Trigger, ...errorResponses(404, 500) },
      },
    },
    async (req) => triggers.get(req.params.trigger_id, baseUrl(req, publicUrl)),
  );

  app.put<Params & Body>(
    '/v2/triggers/:trigger_id',
    {
      schema: {
        tags,
        operationId: 'updateTrigger',
        summary: 'Update a trigger: name, fn_id, source and annotations',
        params: TriggerParams,
        body: TriggerBody,
        response: { 200: Trigger, ...errorResponses(400, 404, 409, 500) },
      },
    },
    async (req) => triggers.update(req.params.trigger_id, req.body, baseUrl(req, publicUrl)),
  );

  app.delete<Params>(
    '/v2/triggers/:trigger_id',
    {
      schema: {
        tags,
        operationId: 'deleteTrigger',
        summary: 'Delete a trigger',
        params: TriggerParams,
        response: { 204: NoContent, ...errorResponses(404, 500) },
      },
    },
    async (req, reply) => {
      await triggers.remove(req.params.trigger_id);
      return reply.code(204).send();
    },
  );

  // Fn's route for its LB nodes; gin's `*trigger_source` carries a `/` that Fn trims and
  // Fastify's `*` never had, so both read `.../http//hello` as the source `/hello`.
  app.get<{ Params: Static<typeof TriggerBySourceParams> }>(
    '/v2/runner/apps/:app_id/triggerBySource/:trigger_type/*',
    {
      schema: {
        tags,
        operationId: 'getTriggerBySource',
        summary: 'Find the trigger of an app by type and exact source (for load balancers)',
        params: TriggerBySourceParams,
        response: { 200: Trigger, ...errorResponses(404, 500) },
      },
    },
    async (req) =>
      triggers.getBySource(
        req.params.app_id,
        req.params.trigger_type,
        req.params['*'],
        baseUrl(req, publicUrl),
      ),
  );
};
