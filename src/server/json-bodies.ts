import type { FastifyInstance } from 'fastify';
import { Errors } from '../models/index.js';

const UNDECODABLE = Symbol('undecodable body');

/**
 * Fn binds v2 bodies with gin's ShouldBindJSON, which ignores Content-Type: so does fnode, in the
 * scope this is applied to. `__proto__` and `constructor.prototype` keys are dropped while
 * parsing, like any other unknown field, so no body can reach an object's prototype. A body that
 * does not decode is `Invalid JSON` only on routes that take one (a DELETE with junk is fine).
 */
export function acceptJsonBodies(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('remove', 'remove');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    parseJson(req, typeof body === 'string' ? body : body.toString('utf8'), (err, value) =>
      done(null, err ? UNDECODABLE : value),
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
