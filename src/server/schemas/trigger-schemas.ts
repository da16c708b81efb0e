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
  type: Type.Optional(Nullable(Type.String({ description: 'Only http' }))),
  source: Type.Optional(Nullable(Type.String({ description: 'Starts with /; unique per app and type' }))),
  annotations: Type.Optional(Nullable(AnnotationsSchema)),
  created_at: TimestampField,
  updated_at: TimestampField,
});

export const TriggerParams = Type.Object({ trigger_id: Type.String() });
export const TriggerBySourceParams = Type.Object({
  app_id: Type.String(),
  trigger_type: Type.String({ description: 'http' }),
  '*': Type.String({ description: 'The source, its leading / included: `.../http//hello`' }),
});
export const TriggerListQuery = Type.Object({
  app_id: Type.Optional(Type.String({ description: 'Required' })),
  fn_id: Type.Optional(Type.String()),
  ...ListQuery,
});
export const TriggerList = listOf(Type.Ref('Trigger'), 'Triggers of one app sorted by name');
