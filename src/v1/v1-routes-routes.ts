import type { FastifyPluginAsync } from 'fastify';
import { cleanRoutePath } from '../models/index.js';
import { v1Errors } from '../server/index.js';
import {
  V1AppParams,
  V1Deleted,
  V1RouteAnswer,
  V1RouteBodySchema,
  V1RouteList,
  V1RouteListQuery,
  V1RouteParams,
} from './v1-schemas.js';
import { routeFromBody } from './v1-bodies.js';
import type { V1Service } from './v1-service.js';

type AppParams = { Params: { app: string } };
type RouteParams = { Params: { app: string; '*': string } };
const tags = ['v1'];

/** The route path from `/v1/apps/{app}/routes/{path…}`, cleaned as routes are stored. */
const pathOf = (p: { '*': string }) => cleanRoutePath(`/${p['*']}`);

/** `/v1/apps/{app}/routes`: Fn v1's routes API. Both create paths create the app if needed. */
export const v1RoutesRoutes: FastifyPluginAsync<{ v1: V1Service }> = async (app, { v1 }) => {
  app.get<AppParams & { Querystring: { image?: string; cursor?: string; per_page?: string } }>(
    '/apps/:app/routes',
    {
      schema: {
        tags,
        operationId: 'v1ListRoutes',
        summary: "List an app's routes (v1), by path",
        params: V1AppParams,
        querystring: V1RouteListQuery,
        response: { 200: V1RouteList, ...v1Errors(400, 404, 500) },
      },
    },
    async (req) => ({
      message: 'Successfully listed routes',
      ...(await v1.listRoutes(req.params.app, req.query)),
    }),
  );

  app.post<AppParams>(
    '/apps/:app/routes',
    {
      schema: {
        tags,
        operationId: 'v1CreateRoute',
        summary: 'Create a route (v1); creates the app when missing',
        params: V1AppParams,
        body: V1RouteBodySchema,
        response: { 200: V1RouteAnswer, ...v1Errors(400, 409, 500) },
      },
    },
    async (req) => ({
      message: 'Route successfully created',
      route: await v1.createRoute(req.params.app, routeFromBody(req.body)),
    }),
  );

  app.get<RouteParams>(
    '/apps/:app/routes/*',
    {
      schema: {
        tags,
        operationId: 'v1GetRoute',
        summary: 'Get a route (v1)',
        params: V1RouteParams,
        response: { 200: V1RouteAnswer, ...v1Errors(404, 500) },
      },
    },
    async (req) => ({
      message: 'Successfully loaded route',
      route: await v1.getRoute(req.params.app, pathOf(req.params)),
    }),
  );

  app.put<RouteParams>(
    '/apps/:app/routes/*',
    {
      schema: {
        tags,
        operationId: 'v1PutRoute',
        summary: 'Create or update a route (v1); creates the app when missing',
        params: V1RouteParams,
        body: V1RouteBodySchema,
        response: { 200: V1RouteAnswer, ...v1Errors(400, 500) },
      },
    },
    async (req) => {
      const { route, created } = await v1.upsertRoute(
        req.params.app,
        pathOf(req.params),
        routeFromBody(req.body),
      );
      return { message: created ? 'Route successfully created' : 'Route successfully updated', route };
    },
  );

  app.patch<RouteParams>(
    '/apps/:app/routes/*',
    {
      schema: {
        tags,
        operationId: 'v1UpdateRoute',
        summary: 'Update a route (v1): config and headers merge, the path is immutable',
        params: V1RouteParams,
        body: V1RouteBodySchema,
        response: { 200: V1RouteAnswer, ...v1Errors(400, 404, 500) },
      },
    },
    async (req) => ({
      message: 'Route successfully updated',
      route: await v1.updateRoute(req.params.app, pathOf(req.params), routeFromBody(req.body)),
    }),
  );

  app.delete<RouteParams>(
    '/apps/:app/routes/*',
    {
      schema: {
        tags,
        operationId: 'v1DeleteRoute',
        summary: 'Delete a route (v1)',
        params: V1RouteParams,
        response: { 200: V1Deleted, ...v1Errors(404, 500) },
      },
    },
    async (req) => {
      await v1.removeRoute(req.params.app, pathOf(req.params));
      return { message: 'Route deleted' };
    },
  );
};
