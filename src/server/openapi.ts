import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifySchema, RouteOptions } from 'fastify';
import { accessFor } from '../auth/index.js';
import { docsRoutes } from './docs-routes.js';
import { AppSchema } from './schemas/app-schemas.js';
import { CallSchema } from './schemas/call-schemas.js';
import { ErrorBody, errorsShaped } from './schemas/common-schemas.js';
import { FnSchema } from './schemas/fn-schemas.js';
import { TokenSchema } from './schemas/token-schemas.js';
import { TriggerSchema } from './schemas/trigger-schemas.js';
import { V1ErrorSchema } from './schemas/v1-error-schemas.js';

/**
 * Registers the OpenAPI generator (it records every route added after it, so it goes first) and
 * the shared entity schemas, referenced by `$id` from routes and named so in the document.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addHook('onRoute', withCommonAnswers);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'fnode',
        description:
          'Fn Project compatible functions server: the v2 control plane, invocation, calls, the v1 API and service endpoints',
        version,
      },
      tags: [
        { name: 'apps', description: 'Applications' },
        { name: 'fns', description: 'Functions' },
        { name: 'triggers', description: 'HTTP triggers' },
        { name: 'invoke', description: 'Calling functions: by id, or through an HTTP trigger' },
        { name: 'calls', description: 'Call records, logs and async calls' },
        {
          name: 'stats',
          description: "The last hour of this node's calls, kept in memory (the dashboard's overview)",
        },
        { name: 'tokens', description: 'API tokens (admin scope)' },
        { name: 'v1', description: "Fn's v1 API: apps, routes, calls and /r" },
        { name: 'service', description: 'Health, version, metrics and this document' },
      ],
      // Every route but /version, /, health and these docs needs a token unless FNODE_AUTH=off;
      // routes open to all say `security: []` (withCommonAnswers).
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An fnode API token (fnode token create)' },
        },
      },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transformObject: (d) =>
      'openapiObject' in d ? finishDocument(d.openapiObject as Document) : d.swaggerObject,
  });
  // V1Error here too: /r answers in it, outside the /v1 scope.
  for (const schema of [
    ErrorBody,
    V1ErrorSchema,
    AppSchema,
    FnSchema,
    TriggerSchema,
    CallSchema,
    TokenSchema,
  ])
    app.addSchema(schema);
}

/** Fn v1's paths answer errors in its own shape. */
const V1_PATH = /^\/(v1|r)(\/|$)/;

type RouteSchema = FastifySchema & { hide?: boolean; response?: Record<string, unknown> };

/**
 * What every route may answer besides its own: 500 and 503 (a busy or stopping server, a
 * datastore away), 413 when it reads a body, and 401 and 403 when it needs a token; in the
 * error shape of its family. Routes that need no token say so (`security: []`); a trigger or v1
 * route may be public (`fnode.io/public`), so its token is optional. Access comes from the auth
 * rules themselves (`accessFor`), so the document cannot drift from them. These answers are
 * response schemas, so they are serialised through them like any other.
 */
function withCommonAnswers(route: RouteOptions): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!schema || schema.hide) return;
  const access = [route.method].flat().map((m) => accessFor(m, route.url));
  const open = access.every((a) => a.need === 'open');
  const statuses = [...(open ? [] : [401, 403]), ...(schema.body ? [413] : []), 500, 503];
  const common = errorsShaped(V1_PATH.test(route.url) ? 'V1Error' : 'Error', statuses);
  route.schema = {
    ...schema,
    response: { ...common, ...schema.response },
    ...(open ? { security: [] } : {}),
    ...(access.some((a) => a.publicCall) ? { security: [{ bearer: [] }, {}] } : {}),
  } as FastifySchema;
}

interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { required?: boolean; content: Record<string, unknown> };
}
type Document = { paths?: Record<string, Record<string, Operation>> } & Record<string, unknown>;

/**
 * What @fastify/swagger cannot be told route by route:
 * - Fastify's wildcard (`/t/:app_name/*`) reads `{*}`, a name OpenAPI tools cannot use: it is
 *   `{path}` (a v1 route's path, a trigger's source);
 * - a HEAD route's operationId gets `-head`, against a clash with its GET's that ours (named
 *   `...Head`) never have;
 * - a function's input (any content type) may be empty: that body is not required.
 */
function finishDocument(doc: Document): Document {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const ops: Record<string, Operation> = {};
    for (const [method, op] of Object.entries(item)) {
      const finished = { ...op };
      if (finished.parameters)
        finished.parameters = finished.parameters.map((p) =>
          p.in === 'path' && p.name === '*' ? { ...p, name: 'path' } : p,
        );
      if (finished.operationId) finished.operationId = finished.operationId.replace(/-head$/, '');
      if (finished.requestBody?.content['*/*'])
        finished.requestBody = { ...finished.requestBody, required: false };
      ops[method] = finished;
    }
    paths[path.replace('{*}', '{path}')] = ops;
  }
  return { ...doc, paths };
}

const OpenApiDocument = Type.Object(
  { openapi: Type.String(), info: Type.Unknown(), paths: Type.Unknown() },
  { additionalProperties: true, description: 'OpenAPI 3.1 document' },
);

/** `GET /v2/openapi.json` and the page that shows it, `/v2/docs`: both open (no secret in them). */
export const openApiRoute: FastifyPluginAsync = async (app) => {
  app.get(
    '/v2/openapi.json',
    {
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['service'],
        summary: 'This API as an OpenAPI 3.1 document (open: it holds no secret)',
        response: { 200: OpenApiDocument },
      },
    },
    async () => app.swagger(),
  );
  await app.register(docsRoutes);
};
