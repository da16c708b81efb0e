import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FunctionResponse } from '../agent/index.js';
import {
  ApiError,
  type App,
  Errors,
  errMethodNotAllowed,
  type Fn,
  isValidId,
  isValidResourceName,
} from '../models/index.js';
import {
  type HeaderMap,
  invokeRequestHeaders,
  invokeResponseHeaders,
  triggerRequestHeaders,
  triggerResponse,
} from './headers.js';
import type { AsyncCalls } from '../runner/index.js';
import { documentedOnly, routeAnyMethod } from './any-method.js';
import { invokeSchema, TriggerParams, TriggerSourceParams, triggerSchema } from './invoke-schemas.js';
import { type AsyncHeaders, parseAsyncHeaders } from './async-headers.js';
import type { InvokeRequest, InvokeService } from './invoke-service.js';
import type { LookupCache } from './lookup-cache.js';

export interface InvokeRoutesOptions {
  cache: LookupCache;
  service: InvokeService;
  /** FN_MAX_REQUEST_SIZE; 0 = no limit (the server's root hook answers 413 by Content-Length). */
  maxRequestSize: number;
  /** Accepts `Fn-Invoke-Type: async` calls; without it they answer 400 AsyncUnsupported. */
  async?: AsyncCalls;
}

const InvokeType = { sync: 'sync', detached: 'detached', async: 'async' } as const;
/** The modes without headers of their own, made once. */
const SYNC = { type: InvokeType.sync } as const;
const DETACHED = { type: InvokeType.detached } as const;

/** The invoke paths: `POST /invoke/{fn_id}` and HTTP triggers `/t/{app}/{source}`. */
export async function invokeRoutes(app: FastifyInstance, opts: InvokeRoutesOptions): Promise<void> {
  const { cache, service, maxRequestSize } = opts;
  const asyncCalls = opts.async;
  // Function input is opaque bytes whatever its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: maxRequestSize > 0 ? maxRequestSize : 1024 ** 3 },
    (_req, body, done) => done(null, body),
  );

  /** The invoke type and, for async, its validated headers: checked before any lookup. */
  const invokeMode = (req: FastifyRequest): { type: InvokeTypeName; async?: AsyncHeaders } => {
    const type = invokeType(req.headers['fn-invoke-type']);
    if (type === InvokeType.sync) return SYNC;
    if (type === InvokeType.detached) return DETACHED;
    const parsed = parseAsyncHeaders(req.headers);
    if (!asyncCalls) throw Errors.AsyncUnsupported.copy();
    return { type, async: parsed };
  };

  /** Queues an async call; answers 202 with its id once it is stored. */
  const enqueue = async (
    req: FastifyRequest,
    reply: FastifyReply,
    target: Target,
    headers: HeaderMap,
    async: AsyncHeaders,
  ): Promise<void> => {
    if (!asyncCalls) throw Errors.AsyncUnsupported.copy();
    const { id } = await asyncCalls.enqueue(
      { ...invokeRequest(req, target, headers), delaySecs: async.delaySecs, priority: async.priority },
      async.idempotencyKey,
    );
    withCallId(req, reply, id);
    reply.header('fn-call-id', id).code(202).send({ call_id: id });
  };

  /**
   * Starts a sync or detached call. A detached call is answered 202 at once (undefined); a sync
   * call's answer is the function's, to come.
   */
  const start = (
    req: FastifyRequest,
    reply: FastifyReply,
    target: Target,
    headers: HeaderMap,
    type: InvokeTypeName,
  ): Promise<FunctionResponse> | undefined => {
    const { call, run } = service.prepare(invokeRequest(req, target, headers));
    withCallId(req, reply, call.id);
    reply.header('fn-call-id', call.id);
    if (type === InvokeType.detached) {
      run().catch(() => {});
      reply.code(202).send();
      return undefined;
    }
    return run();
  };

  const answerInvoke = (reply: FastifyReply, res: FunctionResponse): FastifyReply =>
    reply.code(200).headers(invokeResponseHeaders(res.headers)).send(res.body);

  /** The general path: lookups not cached yet, or an async call. */
  const invoke = async (
    req: FastifyRequest,
    reply: FastifyReply,
    fnId: string,
    mode: { type: InvokeTypeName; async?: AsyncHeaders },
  ): Promise<FastifyReply> => {
    const fn = await cache.fn(fnId);
    const target = { app: await cache.app(fn.app_id), fn };
    const headers = invokeRequestHeaders(req.headers);
    if (mode.async) {
      await enqueue(req, reply, target, headers, mode.async);
      return reply;
    }
    const pending = start(req, reply, target, headers, mode.type);
    return pending ? answerInvoke(reply, await pending) : reply;
  };

  app.post('/invoke/:fn_id', { schema: invokeSchema, validatorCompiler: documentedOnly }, (req, reply) => {
    const { fn_id } = req.params as { fn_id: string };
    const mode = invokeMode(req);
    if (!isValidId(fn_id)) throw Errors.FnsNotFound.copy();
    const fn = cache.loadedFn(fn_id);
    const fnApp = fn && cache.loadedApp(fn.app_id);
    if (!fn || !fnApp) return invoke(req, reply, fn_id, mode);
    if (mode.async) {
      // Cached: straight to the enqueue, without the lookups' awaits.
      return enqueue(req, reply, { app: fnApp, fn }, invokeRequestHeaders(req.headers), mode.async).then(
        () => reply,
      );
    }
    // A hot call of a cached fn: no await on the way (each costs the event loop a few promise
    // jobs); the answer is sent when it comes, errors through Fastify's error handler.
    const pending = start(req, reply, { app: fnApp, fn }, invokeRequestHeaders(req.headers), mode.type);
    pending?.then(
      (res) => answerInvoke(reply, res),
      (err: unknown) => reply.send(err instanceof Error ? err : Errors.InternalServerError.copy()),
    );
    return undefined;
  });

  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'],
    url: '/invoke/:fn_id',
    schema: { hide: true },
    handler: async (req) => {
      throw errMethodNotAllowed(req.method, req.url.split('?')[0] ?? req.url);
    },
  });

  const trigger = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = req.params as { app_name: string; '*'?: string };
    const mode = invokeMode(req);
    if (!isValidResourceName(params.app_name)) throw Errors.AppsNotFound.copy();
    const triggerApp = await cache.appByName(params.app_name);
    const source = `/${params['*'] ?? ''}`;
    const t = await cache.trigger(triggerApp.id, source);
    const fn = await cache.fn(t.fn_id);
    const target = { app: triggerApp, fn, triggerId: t.id };
    const headers = triggerRequestHeaders(req.headers, req.method, urlOf(req));
    if (mode.async) {
      await enqueue(req, reply, target, headers, mode.async);
      return reply;
    }
    const pending = start(req, reply, target, headers, mode.type);
    if (!pending) return reply;
    const res = await pending;
    const mapped = triggerResponse(res.headers);
    return reply.code(mapped.status).headers(mapped.headers).send(res.body);
  };
  routeAnyMethod(app, '/t/:app_name', {
    operationId: 'invokeRootTrigger',
    schema: {
      ...triggerSchema,
      summary: 'Invoke the HTTP trigger of source / of an app',
      params: TriggerParams,
    },
    handler: trigger,
  });
  routeAnyMethod(app, '/t/:app_name/*', {
    operationId: 'invokeTrigger',
    schema: { ...triggerSchema, params: TriggerSourceParams },
    handler: trigger,
  });
}

/**
 * From here on, the request's log lines (Fastify's "request completed", errors) carry the call
 * id. Fastify gives each request its own child logger (shared by `reply.log`), so the binding is
 * added to it rather than made into another child (a tenth of the cost on every call).
 */
function withCallId(req: FastifyRequest, reply: FastifyReply, callId: string): void {
  const log = req.log as FastifyRequest['log'] & { setBindings?: (b: Record<string, unknown>) => void };
  if (typeof log.setBindings === 'function') {
    log.setBindings({ call_id: callId });
    return;
  }
  // Another logger than pino: a child of its own.
  req.log = log.child({ call_id: callId });
  reply.log = req.log;
}

type InvokeTypeName = (typeof InvokeType)[keyof typeof InvokeType];

function invokeType(raw: string | string[] | undefined): InvokeTypeName {
  const v = (Array.isArray(raw) ? raw[0] : raw)?.trim().toLowerCase() ?? '';
  if (v === '' || v === InvokeType.sync) return InvokeType.sync;
  if (v === InvokeType.detached) return InvokeType.detached;
  if (v === InvokeType.async) return InvokeType.async;
  throw new ApiError(400, `Invalid Fn-Invoke-Type header: "${v}" (use sync, detached or async)`);
}

type Target = { app: App; fn: Fn; triggerId?: string };

/** What a call of `target` is made of. No `{ ...target, ... }`: properties after a spread take V8's slow path. */
function invokeRequest(req: FastifyRequest, target: Target, headers: HeaderMap): InvokeRequest {
  return {
    app: target.app,
    fn: target.fn,
    triggerId: target.triggerId,
    headers,
    body: bodyOf(req),
    method: req.method,
    url: urlOf(req),
  };
}

/** The call's URL as Fn records it. */
function urlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}${req.url}`;
}

/** Function input: the raw body (empty when there is none). */
function bodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}
