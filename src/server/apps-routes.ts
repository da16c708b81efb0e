import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppsService } from '../api/index.js';
import { AppBody, AppList, AppListQuery, AppParams } from './schemas/app-schemas.js';
import { NoContent, errorResponses } from './schemas/common-schemas.js';

const App = Type.Ref('App');
const tags = ['apps'];

type Params = { Params: Static<typeof AppParams> };
type Body = { Body: Static<typeof AppBody> };

export const appsRoutes: FastifyPluginAsync<{ apps: AppsService }> = async (app, { apps }) => {
  app.get<{ Querystring: Static<typeof AppListQuery> }>(
    '/v2/apps',
    {
      schema: {
        tags,
        operationId: 'listApps',
        summary: 'List apps',
        querystring: AppListQuery,
        response: { 200: AppList, ...errorResponses(400, 500) },
      },
    },
    async (req) => {
      // A token limited to one app lists that app alone.
      const limit = req.fnodeAppLimit;
      if (!limit) return apps.list(req.query);
      const named = !req.query.name || req.query.name === limit.name;
      const only = named && !req.query.cursor ? await apps.get(limit.id).catch(() => undefined) : undefined;
      return { items: only ? [only] : [] };
    },
  );

  app.post<Body>(
    '/v2/apps',
    {
      schema: {
        tags,
        operationId: 'createApp',
        summary: 'Create an app',
        body: AppBody,
        response: { 200: App, ...errorResponses(400, 409, 500) },
      },
    },
    async (req) => apps.create(req.body),
  );

  app.get<Params>(
    '/v2/apps/:app_id',
    {
      schema: {
        tags,
        operationId: 'getApp',
        summary: 'Get an app',
        params: AppParams,
        response: { 200: App, ...errorResponses(404, 500) },
      },
    },
    async (req) => apps.get(req.params.app_id),
  );

  app.put<Params & Body>(
    '/v2/apps/:app_id',
    {
      schema: {
        tags,
        operationId: 'updateApp',
        summary: 'Update an app: config and annotations are merged, "" or null deletes a key',
        params: AppParams,
        body: AppBody,
        response: { 200: App, ...errorResponses(400, 404, 409, 500) },
      },
    },
    async (req) => apps.update(req.params.app_id, req.body),
  );

  app.delete<Params>(
    '/v2/apps/:app_id',
    {
      schema: {
        tags,
        operationId: 'deleteApp',
        summary: 'Delete an app with its fns and triggers',
        params: AppParams,
        response: { 204: NoContent, ...errorResponses(404, 500) },
      },
    },
    async (req, reply) => {
      await apps.remove(req.params.app_id);
      return reply.code(204).send();
    },
  );
};
