import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { FnsService } from '../api/index.js';
import { baseUrl } from './base-url.js';
import { NoContent, errorResponses } from './schemas/common-schemas.js';
import { FnBody, FnList, FnListQuery, FnParams } from './schemas/fn-schemas.js';

const Fn = Type.Ref('Fn');
const tags = ['fns'];

type Params = { Params: Static<typeof FnParams> };
type Body = { Body: Static<typeof FnBody> };

export const fnsRoutes: FastifyPluginAsync<{ fns: FnsService; publicUrl: string | undefined }> = async (
  app,
  { fns, publicUrl },
) => {
  app.get<{ Querystring: Static<typeof FnListQuery> }>(
    '/v2/fns',
    {
      schema: {
        tags,
        operationId: 'listFns',
        summary: 'List the fns of an app',
        querystring: FnListQuery,
        response: { 200: FnList, ...errorResponses(400, 500) },
      },
    },
    async (req) => fns.list(req.query, baseUrl(req, publicUrl)),
  );

  app.post<Body>(
    '/v2/fns',
    {
      schema: {
        tags,
        operationId: 'createFn',
        summary: 'Create a fn',
        body: FnBody,
        response: { 200: Fn, ...errorResponses(400, 404, 409, 500) },
      },
    },
    async (req) => fns.create(req.body, baseUrl(req, publicUrl)),
  );

  app.get<Params>(
    '/v2/fns/:fn_id',
    {
      schema: {
        tags,
        operationId: 'getFn',
        summary: 'Get a fn',
        params: FnParams,
        response: { 200: Fn, ...errorResponses(404, 500) },
      },
    },
    async (req) => fns.get(req.params.fn_id, baseUrl(req, publicUrl)),
  );

  app.put<Params & Body>(
    '/v2/fns/:fn_id',
    {
      schema: {
        tags,
        operationId: 'updateFn',
        summary: 'Update a fn: zero values are unchanged, config and annotations are merged',
        params: FnParams,
        body: FnBody,
        response: { 200: Fn, ...errorResponses(400, 404, 500) },
      },
    },
    async (req) => fns.update(req.params.fn_id, req.body, baseUrl(req, publicUrl)),
  );

  app.delete<Params>(
    '/v2/fns/:fn_id',
    {
      schema: {
        tags,
        operationId: 'deleteFn',
        summary: 'Delete a fn with its triggers',
        params: FnParams,
        response: { 204: NoContent, ...errorResponses(404, 500) },
      },
    },
    async (req, reply) => {
      await fns.remove(req.params.fn_id);
      return reply.code(204).send();
    },
  );
};
