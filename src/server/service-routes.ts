import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { JSON_CONTENT_TYPE } from './json-content-type.js';

const Hello = Type.Object({ hello: Type.String(), goto: Type.String() });
const Version = Type.Object({ version: Type.String() });

/**
 * `GET /` is Fn's only health check; `GET /version` is read by `fn version`. Both answers never
 * change, so each is serialized once here: a route's first answer otherwise compiles its
 * serializer, which made the first `/version` after a start (what a supervisor or a load
 * balancer waits for) several milliseconds slower than the rest.
 */
export const serviceRoutes: FastifyPluginAsync<{ version: string }> = async (app, { version }) => {
  const hello = JSON.stringify({ hello: 'world!', goto: 'https://github.com/fnproject/fn' });
  const versionJson = JSON.stringify({ version });
  app.get(
    '/',
    {
      schema: {
        operationId: 'hello',
        tags: ['service'],
        summary: "Fn's health check",
        response: { 200: Hello },
      },
    },
    async (_req, reply) => reply.type(JSON_CONTENT_TYPE).send(hello),
  );
  app.get(
    '/version',
    {
      schema: {
        operationId: 'getVersion',
        tags: ['service'],
        summary: 'Server version',
        response: { 200: Version },
      },
    },
    async (_req, reply) => reply.type(JSON_CONTENT_TYPE).send(versionJson),
  );
};
