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

export const AppSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    config: Type.Optional(ConfigSchema),
    annotations: Type.Optional(AnnotationsSchema),
    syslog_url: Type.Optional(Type.String()),
    shape: Type.Optional(Type.String()),
    ...Timestamps,
  },
  { $id: 'App' },
);

/** POST and PUT body: every field optional so that Fn's own messages (`Missing Name`) apply. */
export const AppBody = Type.Object({
  id: Type.Optional(Nullable(Type.String())),
  name: Type.Optional(
    Nullable(Type.String({ description: 'Unicode letters, digits, _ and -; at most 255 bytes' })),
  ),
  config: Type.Optional(Nullable(ConfigChangeSchema)),
  annotations: Type.Optional(Nullable(AnnotationsSchema)),
  syslog_url: Type.Optional(
    Nullable(
      Type.String({ description: 'Comma-separated tcp, udp, unix, unixgram or tcp+tls URLs; "" clears' }),
    ),
  ),
  shape: Type.Optional(Nullable(Type.String({ description: 'GENERIC_X86, GENERIC_ARM or GENERIC_X86_ARM' }))),
  created_at: TimestampField,
  updated_at: TimestampField,
});

export const AppParams = Type.Object({ app_id: Type.String() });
export const AppListQuery = Type.Object(ListQuery);
export const AppList = listOf(Type.Ref('App'), 'Apps sorted by name');
