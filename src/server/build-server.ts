import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import { type AuthOptions, installAuth, type TokensService } from '../auth/index.js';
import type { Datastore } from '../datastore/index.js';
import { DEFAULT_MAX_REQUEST_HEADER_SIZE } from '../config/index.js';
import { Errors } from '../models/index.js';
import { clientErrorHandler } from './client-errors.js';
import { compileOnFirstUse } from './compile-on-first-use.js';
import { controlPlane } from './control-plane.js';
import { createErrorHandler, toApiError } from './error-handler.js';
import { installNotFound } from './not-found.js';
import { openApiRoute, registerOpenApi } from './openapi.js';
import { answerOutsideRoutes } from './outside-routes.js';
import { parseQuery } from './query-parser.js';
import { serializeOnFirstUse } from './serialize-on-first-use.js';
import { bodyLimitFor, limitRequestSize } from './request-limits.js';
import { serviceRoutes } from './service-routes.js';
import { tokensRoutes } from './tokens-routes.js';
import { uiRoutes } from './ui-routes.js';
import { RequestLogController } from './request-log.js';
import { sendErrorFor } from './v1-errors.js';

/** A route family registered in its own scope, e.g. `{ plugin: invokeRoutes, options: {...} }`. */
export interface ServerPlugin {
  plugin: FastifyPluginAsync<never>;
  options?: object;
}

export interface ServerOptions {
  datastore: Datastore;
  /** false (default), true, pino options, or a pino logger to use as is. */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** FN_PUBLIC_LB_URL: base of the endpoint annotations; default `http://<Host header>`. */
  publicUrl?: string;
  /** Answered by `GET /version`. */
  version: string;
  /** FN_MAX_REQUEST_SIZE in bytes, enforced on every route; 0 or absent means no limit. */
  maxRequestSize?: number;
  /**
   * FN_MAX_REQUEST_HEADER_SIZE: the request line and headers, in bytes (default Fn's 1 MiB; Node's
   * own 16 KiB would refuse the URLs of long trigger sources and route paths that Fn serves).
   */
  maxRequestHeaderSize?: number;
  /**
   * More route families (invoke, calls, metrics...), registered after the built-in ones. The
   * root scope keeps Fastify's default body parsers; the v2 control plane has its own.
   */
  plugins?: readonly (ServerPlugin | FastifyPluginAsync)[];
  /** Bearer tokens on every route but /version, health and the docs (absent: none, Fn's way). */
  auth?: AuthOptions & { tokens: TokensService };
  /** Serve HTTPS with this key and certificate (PEM). */
  https?: { key: Buffer; cert: Buffer };
}

/**
 * Builds the HTTP server: service endpoints, the v2 control plane, its OpenAPI document, and
 * Fn's error, 404 and 405 answers. Not listening nor readied, so callers may add more routes.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const maxRequestSize = opts.maxRequestSize ?? 0;
  const app = Fastify({
    ...loggerOptions(opts.logger),
    logController: new RequestLogController(),
    clientErrorHandler,
    bodyLimit: bodyLimitFor(maxRequestSize),
    http: { maxHeaderSize: opts.maxRequestHeaderSize ?? DEFAULT_MAX_REQUEST_HEADER_SIZE },
    routerOptions: {
      // Over-long ids must reach the handlers, which answer the entity's 404.
      maxParamLength: 4096,
      querystringParser: parseQuery,
    },
    ajv: {
      customOptions: {
        // Go's decoder does not coerce: `"memory": "5"` is Invalid JSON.
        coerceTypes: false,
        // The schemas are TypeBox's, fixed in the code: checking each against the JSON Schema
        // meta-schema meant compiling the meta-schema in each Ajv instance (two): a tenth of
        // a second or more of every start, to learn nothing new.
        validateSchema: false,
      },
      onCreate: compileOnFirstUse,
    },
    schemaController: { compilersFactory: { buildSerializer: serializeOnFirstUse } },
    ...(opts.https ? { https: opts.https } : {}),
    // A URL Fastify cannot route (a broken escape, a parameter too long): no scope of its own, so
    // its shape comes from the path.
    frameworkErrors: (err, req, reply) => {
      sendErrorFor(req.url, reply, toApiError(err, req, maxRequestSize) ?? Errors.InternalServerError);
    },
  });
  app.setErrorHandler(createErrorHandler(maxRequestSize));
  answerOutsideRoutes(app);
  installNotFound(app);
  limitRequestSize(app, maxRequestSize);
  if (opts.auth) installAuth(app, opts.auth);
  await registerOpenApi(app, opts.version);

  await app.register(serviceRoutes, { version: opts.version });
  await app.register(openApiRoute);
  await app.register(uiRoutes);
  await app.register(controlPlane, { datastore: opts.datastore, publicUrl: trimSlash(opts.publicUrl) });
  if (opts.auth) await app.register(tokensRoutes, { tokens: opts.auth.tokens });
  for (const p of opts.plugins ?? []) {
    if (typeof p === 'function') await app.register(p);
    else await app.register(p.plugin as FastifyPluginAsync<object>, p.options ?? {});
  }
  return app;
}

function loggerOptions(
  logger: ServerOptions['logger'],
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  const isInstance =
    typeof logger === 'object' && typeof (logger as Partial<FastifyBaseLogger>).child === 'function';
  if (isInstance) return { loggerInstance: logger as FastifyBaseLogger };
  return { logger: (logger as FastifyServerOptions['logger']) ?? false };
}

function trimSlash(url: string | undefined): string | undefined {
  return url ? url.replace(/\/+$/, '') : undefined;
}
