import { Type } from '@sinclair/typebox';
import {
  AnnotationsSchema,
  ConfigChangeSchema,
  ConfigSchema,
  ListQuery,
  Nullable,
  TimestampField,
  Timestamps,
  listOf,
} from './common-schemas.js';

export const FnSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    app_id: Type.String(),
    image: Type.String(),
    memory: Type.Integer({ description: 'MB' }),
    timeout: Type.Integer({ description: 'Seconds' }),
    idle_timeout: Type.Integer({ description: 'Seconds' }),
    config: ConfigSchema,
    annotations: Type.Optional(AnnotationsSchema),
    shape: Type.Optional(Type.String()),
    ...Timestamps,
  },
  { $id: 'Fn' },
);

// Go decodes memory as uint64 and the timeouts as int32: out-of-type numbers are `Invalid JSON`,
// in-type but out-of-range ones get Fn's range messages from validation.
const Int32 = { minimum: -2147483648, maximum: 2147483647 };

/** POST and PUT body. On PUT a zero or missing value means unchanged; name and app_id are ignored. */
export const FnBody = Type.Object({
  id: Type.Optional(Nullable(Type.String())),
  name: Type.Optional(Nullable(Type.String({ description: '[A-Za-z0-9._~$&+:=@-], at most 255 bytes' }))),
  app_id: Type.Optional(Nullable(Type.String())),
  image: Type.Optional(Nullable(Type.String())),
  memory: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'MB, 1..8192, default 128' }))),
  timeout: Type.Optional(Nullable(Type.Integer({ ...Int32, description: 'Seconds, 1..300, default 30' }))),
  idle_timeout: Type.Optional(
    Nullable(Type.Integer({ ...Int32, description: 'Seconds, 1..3600, default 30' })),
  ),
  config: Type.Optional(Nullable(ConfigChangeSchema)),
  annotations: Type.Optional(Nullable(AnnotationsSchema)),
  shape: Type.Optional(Nullable(Type.String({ description: 'Ignored: copied from the app' }))),
  created_at: TimestampField,
  updated_at: TimestampField,
});

export const FnParams = Type.Object({ fn_id: Type.String() });
export const FnListQuery = Type.Object({
  app_id: Type.Optional(Type.String({ description: 'Required' })),
  ...ListQuery,
});
export const FnList = listOf(Type.Ref('Fn'), 'Fns of one app sorted by name');
