import { isDatastoreUnavailable, isDatastoreValueTooLarge } from '../datastore/index.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, Errors, errRequestTooLarge, isApiError } from '../models/index.js';
import { JSON_CONTENT_TYPE } from './json-content-type.js';

/**
 * Maps what a route, hook or Fastify itself threw to the error the client sees, or undefined
 * when it is fnode's fault (logged, then answered `internal server error`).
 */
export function toApiError(err: unknown, req: FastifyRequest, maxRequestSize: number): ApiError | undefined {
  if (isApiError(err)) return err;
  if (isDatastoreUnavailable(err)) return Errors.DatastoreUnavailable;
  // A value the database cannot hold (a MySQL TEXT column's 64 KiB, say): the client's to shrink.
  if (isDatastoreValueTooLarge(err)) return Errors.RequestContentTooBig;
  if (!isError(err)) return undefined;
  // Fn answers every undecodable body (bad syntax, empty, a wrong type) with `Invalid JSON`.
  if (err.validation) return Errors.InvalidJSON;
  switch (err.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return Errors.InvalidJSON;
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      // A chunked body has no Content-Length to quote.
      const length = Number(req.headers['content-length']);
      return maxRequestSize > 0 && length > maxRequestSize
        ? errRequestTooLarge(length, maxRequestSize)
        : Errors.RequestContentTooBig;
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.UnsupportedMediaType;
  }
  if (err instanceof SyntaxError && err.statusCode === 400) return Errors.InvalidJSON;
  // Fastify's own request errors (bad URL, bad Content-Length...) carry safe generic messages.
  const status = err.statusCode ?? 500;
  if (err.code?.startsWith('FST_') && status >= 400 && status < 500) return new ApiError(status, err.message);
  return undefined;
}

export function sendApiError(reply: FastifyReply, err: ApiError): FastifyReply {
  reply.code(err.status).headers(err.headers);
  // Go's server stops reading an oversized body; closing the connection avoids draining it.
  if (err.status === 413) reply.header('connection', 'close');
  // Fn's client-cancel status has no body: nobody is left to read one.
  if (err.status === Errors.ClientCancel.status) return reply.send();
  return reply.type(JSON_CONTENT_TYPE).send({ message: err.message });
}

/** The one place that turns errors into responses; never leaks a stack trace. */
export function createErrorHandler(maxRequestSize: number) {
  return function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const apiError = toApiError(err, req, maxRequestSize);
    if (!apiError) {
      req.log.error({ err }, 'internal server error');
      return sendApiError(reply, Errors.InternalServerError);
    }
    // Fn's own 5xx answers (a function that crashed or timed out, a busy server) are outcomes,
    // not faults of fnode: one line without a stack.
    if (apiError.status >= 500)
      req.log.warn({ status: apiError.status, message: apiError.message }, 'api error');
    return sendApiError(reply, apiError);
  };
}

/** Fastify's errors are plain Errors with optional `code`, `statusCode` and `validation`. */
function isError(err: unknown): err is FastifyError {
  return err instanceof Error;
}
