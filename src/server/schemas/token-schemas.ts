import { Type } from '@sinclair/typebox';
import { Nullable } from './common-schemas.js';

const tokenFields = {
  id: Type.String(),
  name: Type.String(),
  scope: Type.Union([
    Type.Literal('admin'),
    Type.Literal('deploy'),
    Type.Literal('invoke'),
    Type.Literal('read'),
  ]),
  app_id: Type.Optional(Type.String({ description: 'The one app the token may see and touch' })),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  last_used_at: Type.Optional(Type.String({ format: 'date-time', description: 'To the minute' })),
};

export const TokenSchema = Type.Object(tokenFields, {
  $id: 'Token',
  description: 'An API token, without its secret',
});

export const NewTokenAnswer = Type.Object(
  {
    ...tokenFields,
    token: Type.String({ description: 'The secret: shown this once, stored only as a hash' }),
  },
  { description: 'The token created, with its secret' },
);

/** Types are checked by the service, with its own messages (scope, expiry). */
export const NewTokenBody = Type.Object({
  name: Type.Optional(Nullable(Type.Unknown())),
  scope: Type.Optional(Nullable(Type.Unknown())),
  app_id: Type.Optional(Nullable(Type.Unknown())),
  expires_at: Type.Optional(Nullable(Type.Unknown())),
});

export const TokenList = Type.Object({ items: Type.Array(Type.Ref('Token')) });

export const TokenParams = Type.Object({ token_id: Type.String() });
