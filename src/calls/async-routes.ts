import { CallAccepted, CallList, errorResponses, Type } from '../server/index.js';
import type { FastifyInstance } from 'fastify';
import type { Datastore } from '../datastore/index.js';
import { clampPerPage, decodeCursor, fail, isValidId, publicCall } from '../models/index.js';
import type { AsyncCalls } from '../runner/index.js';

const FnParams = Type.Object({ fn_id: Type.String() });
const CallParams = Type.Object({ fn_id: Type.String(), call_id: Type.String() });
const ListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  per_page: Type.Optional(Type.String({ description: 'Page size: default 30, at most 100' })),
});
const tags = ['calls'];
const PendingCounts = Type.Object(
  {
    queued: Type.Integer({ description: 'Waiting for a container' }),
    delayed: Type.Integer({ description: 'Waiting for their Fn-Async-Delay or a retry backoff' }),
    running: Type.Integer(),
  },
  { description: "The fn's async calls in each pending status" },
);

/** fnode's async call API: dead letters, redrive, cancel, stored responses. */
export async function asyncRoutes(
  app: FastifyInstance,
  opts: { datastore: Datastore; calls: AsyncCalls },
): Promise<void> {
  const ds = opts.datastore;
  const ids = async (p: unknown) => {
    const { fn_id, call_id } = p as { fn_id: string; call_id: string };
    if (!isValidId(fn_id)) fail('FnsNotFound');
    await ds.getFnById(fn_id);
    if (!isValidId(call_id)) fail('CallNotFound');
    return { fnId: fn_id, callId: call_id };
  };

  app.get(
    '/v2/fns/:fn_id/dead-letters',
    {
      schema: {
        operationId: 'listDeadLetters',
        summary: 'List dead-lettered async calls of a function, newest first',
        tags,
        params: FnParams,
        querystring: ListQuery,
        response: { 200: CallList, ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const { fn_id } = req.params as { fn_id: string };
      const q = req.query as { cursor?: string; per_page?: string };
      if (!isValidId(fn_id)) fail('FnsNotFound');
      await ds.getFnById(fn_id);
      const cursor = decodeCursor(q.cursor);
      if (cursor !== undefined && !isValidId(cursor)) fail('InvalidCursor');
      const page = await ds.getDeadLetters({
        fnId: fn_id,
        perPage: clampPerPage(q.per_page),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return {
        items: page.items.map(publicCall),
        ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
      };
    },
  );

  app.get(
    '/v2/fns/:fn_id/pending-calls',
    {
      schema: {
        operationId: 'countPendingCalls',
        summary: "How many of a function's calls are queued, delayed or running now",
        tags,
        params: FnParams,
        response: { 200: PendingCounts, ...errorResponses(404) },
      },
    },
    async (req) => {
      const { fn_id } = req.params as { fn_id: string };
      if (!isValidId(fn_id)) fail('FnsNotFound');
      await ds.getFnById(fn_id);
      return ds.countPendingCalls(fn_id);
    },
  );

  app.post(
    '/v2/fns/:fn_id/calls/:call_id/redrive',
    {
      schema: {
        operationId: 'redriveCall',
        summary: 'Run a dead-lettered async call again, as a new call linked by retry_of',
        tags,
        params: CallParams,
        response: { 202: CallAccepted, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const { fnId, callId } = await ids(req.params);
      const id = await opts.calls.redrive(fnId, callId);
      return reply.code(202).header('fn-call-id', id).send({ call_id: id });
    },
  );

  app.post(
    '/v2/fns/:fn_id/calls/:call_id/cancel',
    {
      schema: {
        operationId: 'cancelCall',
        summary: 'Cancel a queued or delayed async call (409 once it runs or has ended)',
        tags,
        params: CallParams,
        response: { 200: Type.Ref('Call'), ...errorResponses(404, 409) },
      },
    },
    async (req) => {
      const { fnId, callId } = await ids(req.params);
      return publicCall(await opts.calls.cancel(fnId, callId));
    },
  );

  app.get(
    '/v2/fns/:fn_id/calls/:call_id/response',
    {
      schema: {
        operationId: 'getCallResponse',
        summary: "An async call's stored response body (capped; Fn-Response-Truncated when cut)",
        tags,
        params: CallParams,
        response: {
          200: {
            description: "The function's response body, with its Content-Type",
            headers: {
              'fn-response-truncated': Type.String({
                description: '`true` when the body was cut at FNODE_ASYNC_MAX_RESPONSE_BYTES',
              }),
            },
            content: { '*/*': { schema: {} } },
          },
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const { fnId, callId } = await ids(req.params);
      await ds.getCall(fnId, callId);
      const res = await ds.getCallResponse(callId);
      const contentType = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      const type = Array.isArray(contentType) ? contentType[0] : contentType;
      reply.type(type ?? 'application/octet-stream');
      if (res.truncated) reply.header('fn-response-truncated', 'true');
      return reply.send(res.body);
    },
  );
}
