import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChunkedBodyHeader, type FunctionResponse } from '../agent/index.js';
import type { Datastore } from '../datastore/index.js';
import { Errors, isApiError, isValidResourceName, type Route } from '../models/index.js';
import type { AsyncCalls } from '../runner/index.js';
import { CallAccepted, Type, useV1Errors, useV1NotFound, v1Errors } from '../server/index.js';
import {
  type HeaderMap,
  type LookupCache,
  routeAnyMethod,
  triggerRequestHeaders,
  triggerResponse,
  writableHeaders,
} from '../invoke/index.js';
import { routeAsFn } from './v1-route-target.js';
import type { V1InvokeService } from './v1-invoke-service.js';

export interface V1InvokeRoutesOptions {
  cache: LookupCache;
  /** Routes are read uncached: an edited route applies to the next call. */
  datastore: Pick<Datastore, 'getRoute'>;
  service: V1InvokeService;
  maxRequestSize: number;
  /** Async routes go through the durable queue; without it they answer 400 AsyncUnsupported. */
  async?: AsyncCalls;
}

const HOP_OR_FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

const CallIdHeader = { Fn_call_id: Type.String({ description: "The call's id" }) };
const RootParams = Type.Object({ app_name: Type.String({ description: 'The app, by name' }) });
const RouteParams = Type.Object({
  app_name: Type.String({ description: 'The app, by name' }),
  '*': Type.String({ description: 'The route path without its leading / (it may hold more /)' }),
});
const routeSchema = {
  summary: 'Invoke a v1 route',
  tags: ['v1'],
  response: {
    200: {
      description: "The function's answer, after the route's headers (a legacy format's status and headers)",
      headers: CallIdHeader,
      content: { '*/*': { schema: {} } },
    },
    202: {
      description: 'An async route: the call is stored and queued',
      headers: CallIdHeader,
      content: { 'application/json': { schema: CallAccepted } },
    },
    ...v1Errors(400, 404, 413, 502, 504),
    default: {
      description:
        "The function's answer with the status it set (http-stream's Fn-Http-Status, a legacy format's own)",
      content: { '*/*': { schema: {} } },
    },
  },
};

/**
 * Fn v1's `/r/{app}/{path…}`: a sync route answers with the function's response (route headers
 * first, call id as `Fn_call_id`); an async route answers 202 `{"call_id"}` once the call is
 * stored and queued. Errors use the v1 shape.
 */
export async function v1InvokeRoutes(app: FastifyInstance, opts: V1InvokeRoutesOptions): Promise<void> {
  // A scope of its own under /r, so that its 404 and 405 (a method Fastify's `all` leaves out,
  // such as LINK) have the v1 shape too.
  await app.register((scope) => routes(scope, opts), { prefix: '/r' });
}

async function routes(app: FastifyInstance, opts: V1InvokeRoutesOptions): Promise<void> {
  const { cache, datastore, service, maxRequestSize } = opts;
  useV1Errors(app, maxRequestSize);
  useV1NotFound(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: maxRequestSize > 0 ? maxRequestSize : 1024 ** 3 },
    (_req, body, done) => done(null, body),
  );

  const invoke = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = req.params as { app_name: string; '*'?: string };
    if (!isValidResourceName(params.app_name)) throw Errors.AppsNotFound.copy();
    const routeApp = await cache.appByName(params.app_name);
    const route = await datastore.getRoute(routeApp.id, `/${params['*'] ?? ''}`);
    const url = `${req.protocol}://${req.host}${req.url}`;
    const headers = triggerRequestHeaders(req.headers, req.method, url);
    // The `http` format hands a body that came without a length on chunked, as Fn does.
    if (
      route.format === 'http' &&
      req.headers['content-length'] === undefined &&
      req.headers['transfer-encoding']
    )
      headers[ChunkedBodyHeader] = 'true';
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    for (const [k, v] of Object.entries(writableHeaders(route.headers ?? {}))) {
      if (!HOP_OR_FRAMING.has(k.toLowerCase())) reply.header(k, v);
    }

    if (route.type === 'async') {
      if (!opts.async) throw Errors.AsyncUnsupported.copy();
      const { id } = await opts.async.enqueue({
        app: routeApp,
        fn: routeAsFn(routeApp, route),
        headers,
        body,
        method: req.method,
        url,
        delaySecs: 0,
        priority: 0,
        path: route.path,
        format: route.format,
      });
      reply.header('Fn_call_id', id);
      return reply.code(202).type('application/json; charset=utf-8').send({ call_id: id });
    }

    const waitStart = process.hrtime.bigint();
    const { call, run } = service.prepare({ app: routeApp, route, headers, body, method: req.method, url });
    reply.header('Fn_call_id', call.id);
    let res: FunctionResponse;
    try {
      res = await run();
    } catch (err) {
      // Fn v1 tells a load balancer how long a timed-out or refused (busy) call waited.
      if (isApiError(err) && (err.status === 504 || err.status === 503)) {
        reply.header('XXX-FXLB-WAIT', goDuration(process.hrtime.bigint() - waitStart));
      }
      throw err;
    }
    return sendResponse(reply, route, res);
  };

  routeAnyMethod(app, '/:app_name', {
    operationId: 'invokeV1RootRoute',
    schema: { ...routeSchema, summary: 'Invoke the v1 route / of an app', params: RootParams },
    handler: invoke,
  });
  routeAnyMethod(app, '/:app_name/*', {
    operationId: 'invokeV1Route',
    schema: { ...routeSchema, params: RouteParams },
    handler: invoke,
  });
}

function sendResponse(reply: FastifyReply, route: Route, res: FunctionResponse): FastifyReply {
  let status = res.status;
  let headers: HeaderMap;
  if (route.format === 'http-stream') {
    const mapped = triggerResponse(res.headers);
    status = mapped.status;
    headers = mapped.headers;
  } else {
    headers = {};
    for (const [k, v] of Object.entries(writableHeaders(res.headers))) {
      if (!HOP_OR_FRAMING.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
    }
  }
  reply.code(status).headers(headers);
  if (!reply.hasHeader('content-type')) reply.type(detectContentType(res.body));
  return reply.send(res.body);
}

/** Fn v1: JSON when the body starts with `{`, else a simplified Go DetectContentType. */
export function detectContentType(body: Buffer): string {
  const start = body.subarray(0, 512).toString('utf8').trimStart();
  if (start.startsWith('{')) return 'application/json; charset=utf-8';
  if (/^<!doctype html|^<html/i.test(start)) return 'text/html; charset=utf-8';
  const text = body.subarray(0, 512);
  const binary = text.some((b) => b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b));
  return binary ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}

/** Go's `time.Duration.String()` of a nanosecond count: `1.5s`, `2m3.004s`, `250ms`, `0s`. */
export function goDuration(ns: bigint): string {
  if (ns < 0n) return `-${goDuration(-ns)}`;
  if (ns === 0n) return '0s';
  const frac = (n: bigint, digits: number) => {
    const scale = 10n ** BigInt(digits);
    const f = (n % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${n / scale}${f ? `.${f}` : ''}`;
  };
  if (ns < 1000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${frac(ns, 3)}µs`;
  if (ns < 1_000_000_000n) return `${frac(ns, 6)}ms`;
  const totalSecs = ns / 1_000_000_000n;
  const h = totalSecs / 3600n;
  const m = (totalSecs % 3600n) / 60n;
  const secs = `${frac((totalSecs % 60n) * 1_000_000_000n + (ns % 1_000_000_000n), 9)}s`;
  if (h > 0n) return `${h}h${m}m${secs}`;
  if (m > 0n) return `${m}m${secs}`;
  return secs;
}
