import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TokensService } from '../auth/index.js';
import { errorResponses, NoContent } from './schemas/common-schemas.js';
import { NewTokenAnswer, NewTokenBody, TokenList, TokenParams } from './schemas/token-schemas.js';

const tags = ['tokens'];
const auth = errorResponses(401, 403);

/** `/v2/tokens` (admin scope): create, list, delete API tokens. */
export const tokensRoutes: FastifyPluginAsync<{ tokens: TokensService }> = async (app, { tokens }) => {
  app.post<{ Body: Static<typeof NewTokenBody> }>(
    '/v2/tokens',
    {
      schema: {
        tags,
        operationId: 'createToken',
        summary: 'Create a token: its secret is in `token`, shown this once',
        body: NewTokenBody,
        response: { 200: NewTokenAnswer, ...errorResponses(400, 404, 500), ...auth },
      },
    },
    async (req) => tokens.create(req.body),
  );

  app.get(
    '/v2/tokens',
    {
      schema: {
        tags,
        operationId: 'listTokens',
        summary: 'List tokens (never their secrets)',
        response: { 200: TokenList, ...auth },
      },
    },
    async () => ({ items: await tokens.list() }),
  );

  app.delete<{ Params: Static<typeof TokenParams> }>(
    '/v2/tokens/:token_id',
    {
      schema: {
        tags,
        operationId: 'deleteToken',
        summary: 'Delete a token: requests made with it are refused from then on',
        params: TokenParams,
        response: { 204: NoContent, ...errorResponses(404, 500), ...auth },
      },
    },
    async (req, reply) => {
      await tokens.remove(req.params.token_id);
      return reply.code(204).send();
    },
  );
};
