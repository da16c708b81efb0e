import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Datastore } from '../datastore/index.js';
import { asGoDecodes, decodable } from '../server/index.js';
import { V1SharedSchemas } from './v1-schemas.js';
import { v1AppsRoutes } from './v1-apps-routes.js';
import { v1CallsRoutes } from './v1-calls-routes.js';
import { useV1Errors, useV1NotFound } from '../server/index.js';
import { v1RoutesRoutes } from './v1-routes-routes.js';
import { V1Service } from './v1-service.js';

export interface V1ApiOptions {
  datastore: Datastore;
  /** FN_MAX_REQUEST_SIZE, for the 413 message; 0 = no limit. */
  maxRequestSize?: number;
}

const UNDECODABLE = Symbol('undecodable body');

/**
 * Bodies are JSON whatever their Content-Type (gin's binding); one that does not decode (or holds
 * U+0000) is Invalid JSON.
 */
function readJsonBodies(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('remove', 'remove');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(req, text, (err, value) =>
      done(null, err || !decodable(text, value) ? UNDECODABLE : asGoDecodes(text, value)),
    );
  });
}

/**
 * Fn v1's API (`/v1/apps`, routes, calls and logs) in its own scope: v1 wrappers and the
 * `{"error":{"message"}}` error shape. Apps are the v2 apps.
 */
export const v1Api: FastifyPluginAsync<V1ApiOptions> = async (app, opts) => {
  const v1 = new V1Service(opts.datastore);
  await app.register(
    async (scope) => {
      useV1Errors(scope, opts.maxRequestSize ?? 0);
      useV1NotFound(scope);
      readJsonBodies(scope);
      // Route schemas validate, document and serialise (in Fn v1's field order).
      for (const schema of V1SharedSchemas) scope.addSchema(schema);
      await scope.register(v1AppsRoutes, { v1 });
      await scope.register(v1RoutesRoutes, { v1 });
      await scope.register(v1CallsRoutes, { v1, datastore: opts.datastore });
    },
    { prefix: '/v1' },
  );
};
