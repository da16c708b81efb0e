import type { TSchema } from '@sinclair/typebox';
import { AnnotationsSchema, ConfigSchema, Nullable, Type } from '../server/index.js';

/**
 * [V1] Schemas of the `/v1` API. Bodies mirror Go's decoder (v1-bodies.ts): fields are nullable,
 * unknown fields are ignored (no `additionalProperties: false`), a wrong JSON type fails
 * validation and is answered `Invalid JSON`. Answers are serialised through the response schemas,
 * in Fn v1's field order: a field no schema names never leaves the server.
 */

const Time = Type.String({ format: 'date-time' });

export const V1AppSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    config: Type.Optional(ConfigSchema),
    annotations: Type.Optional(AnnotationsSchema),
    syslog_url: Type.Optional(Type.String()),
    shape: Type.Optional(Type.String({ description: 'Set through the v2 API' })),
    created_at: Time,
    updated_at: Time,
  },
  { $id: 'V1App', description: 'A v1 app (the v2 app, by name)' },
);

const HeadersSchema = Type.Record(Type.String(), Type.Array(Type.String()));

export const V1RouteSchema = Type.Object(
  {
    app_id: Type.String(),
    path: Type.String(),
    image: Type.String(),
    memory: Type.Integer({ description: 'MB' }),
    cpus: Type.String({ description: 'Milli-CPUs, e.g. 500m; empty when unset' }),
    headers: Type.Optional(HeadersSchema),
    type: Type.String({ description: 'sync or async' }),
    format: Type.String({ description: 'default, http, json, cloudevent or http-stream' }),
    timeout: Type.Integer({ description: 'Seconds' }),
    idle_timeout: Type.Integer({ description: 'Seconds' }),
    tmpfs_size: Type.Integer({ description: 'MB of /tmp; 0 when unset' }),
    config: Type.Optional(ConfigSchema),
    annotations: Type.Optional(AnnotationsSchema),
    created_at: Time,
    updated_at: Time,
  },
  { $id: 'V1Route' },
);

/** The v1 entities, added to the v1 scope and listed as components of the document (V1Error is the server's). */
export const V1SharedSchemas = [V1AppSchema, V1RouteSchema];

// Bodies: Go ignores unknown fields, decodes null as absent, and rejects a wrong type.
const opt = <T extends TSchema>(s: T) => Type.Optional(Nullable(s));
const NullableConfig = Type.Record(Type.String(), Nullable(Type.String()));

export const V1AppFields = Type.Object({
  id: opt(Type.String({ description: 'Refused on create: ids are assigned by the server' })),
  name: opt(Type.String()),
  config: opt(NullableConfig),
  annotations: opt(AnnotationsSchema),
  syslog_url: opt(Type.String()),
});

export const V1AppBodySchema = Type.Object(
  { app: opt(V1AppFields) },
  { description: '`{"app": {...}}`; a missing or null `app` is `Missing new application`' },
);

export const V1RouteFields = Type.Object({
  path: opt(Type.String()),
  image: opt(Type.String()),
  memory: opt(Type.Integer({ minimum: 0, description: 'MB, default 128' })),
  cpus: opt(Type.String()),
  headers: opt(Type.Record(Type.String(), Nullable(Type.Array(Type.String())))),
  type: opt(Type.String({ description: 'sync (default) or async' })),
  format: opt(Type.String({ description: 'default (default), http, json, cloudevent or http-stream' })),
  timeout: opt(Type.Integer({ description: 'Seconds, default 30' })),
  idle_timeout: opt(Type.Integer({ description: 'Seconds, default 30' })),
  tmpfs_size: opt(Type.Integer({ minimum: 0, description: 'MB of /tmp' })),
  config: opt(NullableConfig),
  annotations: opt(AnnotationsSchema),
});

export const V1RouteBodySchema = Type.Object(
  { route: opt(V1RouteFields) },
  { description: '`{"route": {...}}`; a missing or null `route` is `Missing route`' },
);

export const V1AppParams = Type.Object({ app: Type.String() });
export const V1RouteParams = Type.Object({
  app: Type.String(),
  '*': Type.String({ description: 'The route path without its leading /' }),
});
export const V1CallParams = Type.Object({ app: Type.String(), call_id: Type.String() });

const PageQuery = {
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  per_page: Type.Optional(Type.String({ description: 'Page size: default 30, at most 100' })),
};
export const V1AppListQuery = Type.Object(PageQuery);
export const V1RouteListQuery = Type.Object({
  image: Type.Optional(Type.String({ description: 'Exact image match' })),
  ...PageQuery,
});
export const V1CallListQuery = Type.Object({
  path: Type.Optional(Type.String({ description: 'Route path' })),
  from_time: Type.Optional(Type.String({ description: 'Epoch seconds' })),
  to_time: Type.Optional(Type.String({ description: 'Epoch seconds' })),
  ...PageQuery,
});

const Message = Type.String();
const NextCursor = Type.String({ description: '"" on the last page' });

export const V1AppAnswer = Type.Object({ message: Message, app: Type.Ref('V1App') });
export const V1AppList = Type.Object({
  message: Message,
  next_cursor: NextCursor,
  apps: Type.Array(Type.Ref('V1App')),
});
export const V1RouteAnswer = Type.Object({ message: Message, route: Type.Ref('V1Route') });
export const V1RouteList = Type.Object({
  message: Message,
  next_cursor: NextCursor,
  routes: Type.Array(Type.Ref('V1Route')),
});
// Calls are the v2 call records (`Call`), with `path` for a route's.
export const V1CallAnswer = Type.Object({ message: Message, call: Type.Ref('Call') });
export const V1CallList = Type.Object({
  message: Message,
  next_cursor: Type.String({ description: 'The last call id of a full page, else ""' }),
  calls: Type.Array(Type.Ref('Call')),
});
export const V1LogAnswer = Type.Object(
  { message: Message, log: Type.Object({ call_id: Type.String(), log: Type.String() }) },
  { description: 'JSON; with Accept: text/plain the log text itself' },
);
export const V1Deleted = Type.Object({ message: Message });
