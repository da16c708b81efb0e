import type { FastifyInstance } from 'fastify';
import { Errors, jsonHasNul, wellFormedJson } from '../models/index.js';

const UNDECODABLE = Symbol('undecodable body');

/**
 * A JSON text that parsed, unless it holds U+0000 in a string or key: text no entity holds (see
 * models' `hasNul`), which PostgreSQL would refuse with an error. Only a `\u0000` escape can
 * put it there.
 */
export function decodable(text: string, value: unknown): boolean {
  return !text.includes('\\u0000') || !jsonHasNul(value);
}

/**
 * A decodable body as Go's decoder gives it: an unpaired surrogate escape (`"\ud800"`) is
 * U+FFFD, where JSON.parse keeps it (then each datastore stores something else than the answer
 * to the write said). Only an escape can put one there.
 */
export function asGoDecodes(text: string, value: unknown): unknown {
  return /\\u[dD][89a-fA-F]/.test(text) ? wellFormedJson(value) : value;
}

/**
 * Fn binds v2 bodies with gin's ShouldBindJSON, which ignores Content-Type: so does fnode, in the
 * scope this is applied to. `__proto__` and `constructor.prototype` keys are dropped while
 * parsing, like any other unknown field, so no body can reach an object's prototype. A body that
 * does not decode (nor one holding U+0000) is `Invalid JSON` only on routes that take one (a
 * DELETE with junk is fine).
 */
export function acceptJsonBodies(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('remove', 'remove');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    parseJson(req, text, (err, value) =>
      done(null, err || !decodable(text, value) ? UNDECODABLE : asGoDecodes(text, value)),
    );
  });
  // A malformed Content-Type (`;;;`) would otherwise fail Fastify's media-type parsing first.
  scope.addHook('onRequest', async (req) => {
    if (req.headers['content-type'] !== undefined) req.headers['content-type'] = 'application/json';
  });
  scope.addHook('preValidation', async (req) => {
    const takesBody = req.routeOptions.schema?.body !== undefined;
    if (!takesBody) {
      if (req.body === UNDECODABLE) req.body = undefined;
      return;
    }
    if (req.body === undefined || req.body === UNDECODABLE) throw Errors.InvalidJSON.copy();
  });
}
