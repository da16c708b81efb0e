import type { FastifyPluginAsync } from 'fastify';
import { v1Errors } from '../server/index.js';
import {
  V1AppAnswer,
  V1AppBodySchema,
  V1AppList,
  V1AppListQuery,
  V1AppParams,
  V1Deleted,
} from './v1-schemas.js';
import { appFromBody } from './v1-bodies.js';
import type { V1Service } from './v1-service.js';

type AppParams = { Params: { app: string } };
const tags = ['v1'];

/** `/v1/apps`: Fn v1's apps API, with its `{"app":…}` wrappers and messages. */
export const v1AppsRoutes: FastifyPluginAsync<{ v1: V1Service }> = async (app, { v1 }) => {
  app.get<{ Querystring: { cursor?: string; per_page?: string } }>(
    '/apps',
    {
      schema: {
        tags,
        operationId: 'v1ListApps',
        summary: 'List apps (v1)',
        querystring: V1AppListQuery,
        response: { 200: V1AppList, ...v1Errors(400, 500) },
      },
    },
    async (req) => {
      // A token limited to one app lists that app alone.
      const limit = req.fnodeAppLimit;
      if (!limit) return { message: 'Successfully listed applications', ...(await v1.listApps(req.query)) };
      const only = req.query.cursor ? undefined : await v1.app(limit.name).catch(() => undefined);
      return { message: 'Successfully listed applications', apps: only ? [only] : [], next_cursor: '' };
    },
  );

  app.post(
    '/apps',
    {
      schema: {
        tags,
        operationId: 'v1CreateApp',
        summary: 'Create an app (v1)',
        body: V1AppBodySchema,
        response: { 200: V1AppAnswer, ...v1Errors(400, 409, 500) },
      },
    },
    async (req) => ({
      message: 'App successfully created',
      app: await v1.createApp(appFromBody(req.body)),
    }),
  );

  app.get<AppParams>(
    '/apps/:app',
    {
      schema: {
        tags,
        operationId: 'v1GetApp',
        summary: 'Get an app (v1)',
        params: V1AppParams,
        response: { 200: V1AppAnswer, ...v1Errors(404, 500) },
      },
    },
    async (req) => ({
      message: 'Successfully loaded app',
      app: await v1.app(req.params.app),
    }),
  );

  app.patch<AppParams>(
    '/apps/:app',
    {
      schema: {
        tags,
        operationId: 'v1UpdateApp',
        summary: 'Update an app (v1): config merges, the name is immutable',
        params: V1AppParams,
        body: V1AppBodySchema,
        response: { 200: V1AppAnswer, ...v1Errors(400, 404, 409, 500) },
      },
    },
    async (req) => ({
      message: 'AppName successfully updated',
      app: await v1.updateApp(req.params.app, appFromBody(req.body)),
    }),
  );

  app.delete<AppParams>(
    '/apps/:app',
    {
      schema: {
        tags,
        operationId: 'v1DeleteApp',
        summary: 'Delete an app with its routes (v1)',
        params: V1AppParams,
        response: { 200: V1Deleted, ...v1Errors(404, 500) },
      },
    },
    async (req) => {
      await v1.removeApp(req.params.app);
      return { message: 'App deleted' };
    },
  );
};
