import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Datastore } from '../datastore/index.js';
import {
  ApiError,
  type Call,
  clampPerPage,
  decodeCursor,
  Errors,
  encodeCursor,
  fail,
  isValidId,
  publicCall,
} from '../models/index.js';
import { v1Errors } from '../server/index.js';
import {
  V1AppParams,
  V1CallAnswer,
  V1CallList,
  V1CallListQuery,
  V1CallParams,
  V1LogAnswer,
} from './v1-schemas.js';
import type { V1Service } from './v1-service.js';

type CallParams = { Params: { app: string; call_id: string } };
type ListQuery = {
  path?: string;
  cursor?: string;
  per_page?: string;
  from_time?: string;
  to_time?: string;
};
const tags = ['v1'];

function epochSeconds(raw: string | undefined, err: 'InvalidFromTime' | 'InvalidToTime'): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,12}$/.test(raw)) fail(err);
  return Number(raw);
}

/** `/v1/apps/{app}/calls`: an app's call records (newest first) and their logs, Fn v1 style. */
export const v1CallsRoutes: FastifyPluginAsync<{ v1: V1Service; datastore: Datastore }> = async (
  app,
  { v1, datastore: ds },
) => {
  const callOf = async (appName: string, callId: string, notFound: 'CallNotFound' | 'CallLogNotFound') => {
    const owner = await v1.app(appName);
    if (!isValidId(callId)) fail(notFound);
    const call = await ds.getCallById(callId).catch(() => fail(notFound));
    if (call.app_id !== owner.id) fail(notFound);
    return call;
  };

  app.get<{ Params: { app: string }; Querystring: ListQuery }>(
    '/apps/:app/calls',
    {
      schema: {
        tags,
        operationId: 'v1ListCalls',
        summary: "List an app's calls (v1); `path` filters by route",
        params: V1AppParams,
        querystring: V1CallListQuery,
        response: { 200: V1CallList, ...v1Errors(400, 404, 500) },
      },
    },
    async (req) => {
      const q = req.query;
      const fromTime = epochSeconds(q.from_time, 'InvalidFromTime');
      const toTime = epochSeconds(q.to_time, 'InvalidToTime');
      const owner = await v1.app(req.params.app);
      // v1's cursor is the last call id itself.
      if (q.cursor && !isValidId(q.cursor)) fail('InvalidCursor');
      const page = await ds.getCalls({
        appId: owner.id,
        perPage: clampPerPage(q.per_page),
        ...(q.path ? { path: q.path } : {}),
        ...(q.cursor ? { cursor: encodeCursor(q.cursor) } : {}),
        ...(fromTime !== undefined ? { fromTime } : {}),
        ...(toTime !== undefined ? { toTime } : {}),
      });
      const calls: Call[] = page.items.map(publicCall);
      return {
        message: 'Successfully listed calls',
        next_cursor: page.nextCursor ? (decodeCursor(page.nextCursor) ?? '') : '',
        calls,
      };
    },
  );

  app.get<CallParams>(
    '/apps/:app/calls/:call_id',
    {
      schema: {
        tags,
        operationId: 'v1GetCall',
        summary: 'Get a call (v1)',
        params: V1CallParams,
        response: { 200: V1CallAnswer, ...v1Errors(404, 500) },
      },
    },
    async (req) => ({
      message: 'Successfully loaded call',
      call: publicCall(await callOf(req.params.app, req.params.call_id, 'CallNotFound')),
    }),
  );

  app.get<CallParams>(
    '/apps/:app/calls/:call_id/log',
    {
      schema: {
        tags,
        operationId: 'v1GetCallLog',
        summary: "Get a call's log (v1): JSON, or text with Accept: text/plain",
        params: V1CallParams,
        response: {
          200: {
            content: {
              'application/json': { schema: V1LogAnswer },
              'text/plain': { schema: Type.String() },
            },
          },
          ...v1Errors(404, 406, 500),
        },
      },
    },
    async (req, reply) => {
      const accept = req.headers.accept ?? '';
      const wantsText = acceptsOnly(accept, 'text/plain');
      if (!wantsText && accept !== '' && !acceptsJson(accept)) throw Errors.UnacceptableLogType.copy();
      const call = await callOf(req.params.app, req.params.call_id, 'CallLogNotFound');
      // A call that wrote nothing has no log row: its log is empty.
      const log = await ds.getLog(call.id).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return '';
        throw e;
      });
      if (wantsText) return reply.type('text/plain; charset=utf-8').send(log);
      return { message: 'Successfully loaded log', log: { call_id: call.id, log } };
    },
  );
};

function mediaTypes(accept: string): string[] {
  return accept.split(',').map((p) => (p.split(';')[0] ?? '').trim().toLowerCase());
}

function acceptsJson(accept: string): boolean {
  return mediaTypes(accept).some((t) => t === 'application/json' || t === '*/*' || t === 'application/*');
}

function acceptsOnly(accept: string, type: string): boolean {
  return mediaTypes(accept).includes(type) && !acceptsJson(accept);
}
