import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';

const Hello = Type.Object({ hello: Type.String(), goto: Type.String() });
const Version = Type.Object({ version: Type.String() });

/** `GET /` is Fn's only health check; `GET /version` is read by `fn version`. */
export const serviceRoutes: FastifyPluginAsync<{ version: string }> = async (app, { version }) => {
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
    async () => ({ hello: 'world!', goto: 'https://github.com/fnproject/fn' }),
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
    async () => ({ version }),
  );
};
