import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ApiError, Errors, errMethodNotAllowed, errV1PathNotFound } from '../models/index.js';
import { sendApiError, toApiError } from './error-handler.js';
import { JSON_CONTENT_TYPE } from './json-content-type.js';
import { routePattern } from './not-found.js';

/** Fn v1's error body: `{"error":{"message":"…"}}` (models.Error / ErrorBody of seed 003). */
export function sendV1Error(reply: FastifyReply, err: ApiError): FastifyReply {
  reply.code(err.status).headers(err.headers);
  if (err.status === 413) reply.header('connection', 'close');
  if (err.status === Errors.ClientCancel.status) return reply.send();
  return reply.type(JSON_CONTENT_TYPE).send({ error: { message: err.message } });
}

/** Fn v1's paths (its API under `/v1`, its routes under `/r`) answer errors in the v1 shape. */
export function isV1Path(url: string): boolean {
  return /^\/(v1|r)(\/|\?|$)/.test(url);
}

/**
 * An error answered outside any route's scope (Fastify's own URL errors, a refusal before
 * routing) in the shape of the path it answers.
 */
export function sendErrorFor(url: string, reply: FastifyReply, err: ApiError): FastifyReply {
  return isV1Path(url) ? sendV1Error(reply, err) : sendApiError(reply, err);
}

/**
 * Gives a scope (the `/v1` API, `/r`) Fn v1's error shape: same mapping as the root handler
 * (coded errors keep their status, anything else is logged and answered 500), v1 body.
 */
export function useV1Errors(scope: FastifyInstance, maxRequestSize: number): void {
  scope.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(err, req, maxRequestSize);
    if (!apiError) {
      req.log.error({ err }, 'internal server error');
      return sendV1Error(reply, Errors.InternalServerError);
    }
    if (apiError.status >= 500) req.log.error({ err: apiError }, 'api error');
    return sendV1Error(reply, apiError);
  });
}

/**
 * Unknown paths under a prefixed v1 scope answer Fn's v1 404 `Path not found: <path>` (or 405
 * when another method serves the path) in the v1 shape. Call before the scope's routes are added.
 */
export function useV1NotFound(scope: FastifyInstance): void {
  const known: { pattern: RegExp; methods: Set<string> }[] = [];
  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    known.push({ pattern: routePattern(route.url ?? route.path), methods: new Set(methods) });
  });
  scope.setNotFoundHandler(async (req) => {
    const raw = req.url.split('?', 1)[0] ?? '/';
    let path = raw;
    try {
      path = decodeURIComponent(raw);
    } catch {
      // keep the raw path
    }
    const served = known.some((k) => k.pattern.test(raw) && !k.methods.has(req.method));
    throw served ? errMethodNotAllowed(req.method, path) : errV1PathNotFound(path);
  });
}
