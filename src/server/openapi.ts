import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { docsRoutes } from './docs-routes.js';
import { AppSchema } from './schemas/app-schemas.js';
import { ErrorBody } from './schemas/common-schemas.js';
import { FnSchema } from './schemas/fn-schemas.js';
import { TokenSchema } from './schemas/token-schemas.js';
import { TriggerSchema } from './schemas/trigger-schemas.js';

/**
 * Registers the OpenAPI generator (it records every route added after it, so it goes first) and
 * the shared entity schemas, referenced by `$id` from routes and named so in the document.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'fnode',
        description: 'Fn Project compatible functions server: the v2 control plane and service endpoints',
        version,
      },
      tags: [
        { name: 'apps', description: 'Applications' },
        { name: 'fns', description: 'Functions' },
        { name: 'triggers', description: 'HTTP triggers' },
        { name: 'tokens', description: 'API tokens (admin scope)' },
        { name: 'service', description: 'Health, version and this document' },
      ],
      // Every route but /version, /, health and these docs needs a token unless FNODE_AUTH=off.
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
  });
  for (const schema of [ErrorBody, AppSchema, FnSchema, TriggerSchema, TokenSchema]) app.addSchema(schema);
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
