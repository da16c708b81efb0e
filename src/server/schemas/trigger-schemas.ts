import { Type } from '@sinclair/typebox';
import {
  AnnotationsSchema,
  ListQuery,
  Nullable,
  TimestampField,
  Timestamps,
  listOf,
} from './common-schemas.js';

export const TriggerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    app_id: Type.String(),
    fn_id: Type.String(),
    type: Type.String(),
    source: Type.String(),
    annotations: Type.Optional(AnnotationsSchema),
    ...Timestamps,
  },
  { $id: 'Trigger' },
);

/** POST and PUT body. PUT may change name, fn_id, source and annotations. */
export const TriggerBody = Type.Object({
  id: Type.Optional(Nullable(Type.String())),
  name: Type.Optional(Nullable(Type.String({ description: 'Unicode letters, digits, _ and -' }))),
  app_id: Type.Optional(Nullable(Type.String())),
  fn_id: Type.Optional(Nullable(Type.String())),
  type: Type.Optional(
    Nullable(
      Type.String({
        description:
          'http (invoked at /t/{app}{source}); cron (a schedule); nats, amqp, mqtt, redis-stream (each broker message is an async call). Kept on update',
      }),
    ),
  ),
  source: Type.Optional(
    Nullable(
      Type.String({
        description:
          'Unique per app and type. http: a path starting with /; cron: 5 fields, or 6 with seconds first (time zone in fnode.io/cron-tz, default UTC); nats: a subject (* and > wildcards); amqp: a queue name; mqtt: a topic filter (+ and # wildcards); redis-stream: a stream key',
      }),
    ),
  ),
  annotations: Type.Optional(Nullable(AnnotationsSchema)),
  created_at: TimestampField,
  updated_at: TimestampField,
});

export const TriggerParams = Type.Object({ trigger_id: Type.String() });
export const TriggerBySourceParams = Type.Object({
  app_id: Type.String(),
  trigger_type: Type.String({ description: 'http, cron, nats, amqp, mqtt or redis-stream' }),
  '*': Type.String({ description: 'The source, its leading / included: `.../http//hello`' }),
});
export const TriggerListQuery = Type.Object({
  app_id: Type.Optional(Type.String({ description: 'Required' })),
  fn_id: Type.Optional(Type.String()),
  ...ListQuery,
});
export const TriggerList = listOf(Type.Ref('Trigger'), 'Triggers of one app sorted by name');
