import { CallList, CallLog, errorResponses, Type } from '../server/index.js';
import type { FastifyInstance } from 'fastify';
import type { Datastore } from '../datastore/index.js';
import {
  ApiError,
  clampPerPage,
  decodeCursor,
  Errors,
  fail,
  isValidId,
  publicCall,
} from '../models/index.js';

const FnParams = Type.Object({ fn_id: Type.String() });
const CallParams = Type.Object({ fn_id: Type.String(), call_id: Type.String() });
const ListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  per_page: Type.Optional(Type.String({ description: 'Page size: default 30, at most 100' })),
  from_time: Type.Optional(Type.String({ description: 'Calls created after this epoch second' })),
  to_time: Type.Optional(Type.String({ description: 'Calls created before this epoch second' })),
});
const tags = ['calls'];

function epochSeconds(raw: string | undefined, err: 'InvalidFromTime' | 'InvalidToTime'): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,12}$/.test(raw)) fail(err);
  return Number(raw);
}

/** `/v2/fns//calls` matches with an empty id: Fn checks for it before anything else. */
function requireFnId(fnId: string): void {
  if (!fnId) fail('FnsMissingID');
}

/** Fn's calls API (v0.3.688): a fn's call records and their logs. */
export async function callsRoutes(app: FastifyInstance, opts: { datastore: Datastore }): Promise<void> {
  const ds = opts.datastore;

  const fnOrFail = async (fnId: string) => {
    if (!isValidId(fnId)) fail('FnsNotFound');
    return ds.getFnById(fnId);
  };

  app.get(
    '/v2/fns/:fn_id/calls',
    {
      schema: {
        operationId: 'listCalls',
        summary: 'List calls of a function, newest first',
        tags,
        params: FnParams,
        querystring: ListQuery,
        response: { 200: CallList, ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const { fn_id } = req.params as { fn_id: string };
      requireFnId(fn_id);
      const q = req.query as { cursor?: string; per_page?: string; from_time?: string; to_time?: string };
      const fromTime = epochSeconds(q.from_time, 'InvalidFromTime');
      const toTime = epochSeconds(q.to_time, 'InvalidToTime');
      await fnOrFail(fn_id);
      const cursor = decodeCursor(q.cursor);
      if (cursor !== undefined && !isValidId(cursor)) fail('InvalidCursor');
      const page = await ds.getCalls({
        fnId: fn_id,
        perPage: clampPerPage(q.per_page),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(fromTime !== undefined ? { fromTime } : {}),
        ...(toTime !== undefined ? { toTime } : {}),
      });
      return {
        items: page.items.map(publicCall),
        ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
      };
    },
  );

  app.get(
    '/v2/fns/:fn_id/calls/:call_id',
    {
      schema: {
        operationId: 'getCall',
        summary: 'Get a call',
        tags,
        params: CallParams,
        response: { 200: Type.Ref('Call'), ...errorResponses(400, 404) },
      },
    },
    async (req) => {
      const { fn_id, call_id } = req.params as { fn_id: string; call_id: string };
      requireFnId(fn_id);
      await fnOrFail(fn_id);
      if (!isValidId(call_id)) fail('CallNotFound');
      return publicCall(await ds.getCall(fn_id, call_id));
    },
  );

  app.get(
    '/v2/fns/:fn_id/calls/:call_id/log',
    {
      schema: {
        operationId: 'getCallLog',
        summary: "Get a call's log: JSON, or the text alone with Accept: text/plain",
        tags,
        params: CallParams,
        response: {
          200: {
            description: "The call's log",
            content: {
              'application/json': { schema: CallLog },
              'text/plain': { schema: Type.String() },
            },
          },
          ...errorResponses(400, 404, 406),
        },
      },
    },
    async (req, reply) => {
      const { fn_id, call_id } = req.params as { fn_id: string; call_id: string };
      requireFnId(fn_id);
      await fnOrFail(fn_id);
      if (!isValidId(call_id)) fail('CallLogNotFound');
      const accept = req.headers.accept ?? '';
      const wantsText = acceptsOnly(accept, 'text/plain');
      if (!wantsText && accept !== '' && !acceptsJson(accept)) throw Errors.UnacceptableLogType.copy();
      await ds.getCall(fn_id, call_id).catch(() => fail('CallLogNotFound'));
      // Calls that wrote nothing have no log row (see InvokeService): their log is empty.
      const log = await ds.getLog(call_id).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return '';
        throw e;
      });
      if (wantsText) return reply.type('text/plain; charset=utf-8').send(log);
      return { call_id, log };
    },
  );
}

function mediaTypes(accept: string): string[] {
  return accept.split(',').map((p) => (p.split(';')[0] ?? '').trim().toLowerCase());
}

function acceptsJson(accept: string): boolean {
  return mediaTypes(accept).some((t) => t === 'application/json' || t === '*/*' || t === 'application/*');
}

function acceptsOnly(accept: string, type: string): boolean {
  const types = mediaTypes(accept);
  return types.includes(type) && !acceptsJson(accept);
}
