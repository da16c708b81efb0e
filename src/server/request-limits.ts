import type { FastifyInstance } from 'fastify';
import { errRequestTooLarge } from '../models/index.js';

/**
 * FN_MAX_REQUEST_SIZE applies to every route, as Fn's middleware does: a declared
 * Content-Length over the limit is refused before any body is read. Chunked bodies are cut off
 * by Fastify's bodyLimit (set to the same value) while they are parsed.
 */
export function limitRequestSize(app: FastifyInstance, maxBytes: number): void {
  if (maxBytes <= 0) return;
  // A callback hook: it runs on every call, and an async one costs a promise and a job each.
  app.addHook('onRequest', (req, _reply, done) => {
    const length = Number(req.headers['content-length']);
    done(length > maxBytes ? errRequestTooLarge(length, maxBytes) : undefined);
  });
}

/** Fastify's bodyLimit: the configured maximum, or no limit of its own when none is configured. */
export function bodyLimitFor(maxBytes: number): number {
  return maxBytes > 0 ? maxBytes : Number.MAX_SAFE_INTEGER;
}
