import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';

/**
 * Go's JSON decoder treats `null` as "leave the zero value", so Fn accepts `"name": null` and then
 * reports `Missing Name`. Body fields are nullable for the same reason; the services map null to
 * undefined.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ErrorBody = Type.Object(
  { message: Type.String() },
  { $id: 'Error', description: 'Every error: Fn `{"message": ...}` shape' },
);

/** Any non-empty JSON value; `null` deletes the key on update and is rejected on create. */
export const AnnotationsSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Keys are printable ASCII (max 128 bytes); values any JSON value of at most 512 bytes',
});

export const ConfigSchema = Type.Record(Type.String(), Type.String());
/** On update `""` (or null, as Go decodes it) deletes a config key. */
export const ConfigChangeSchema = Type.Record(Type.String(), Nullable(Type.String()));

/** Bodies may echo timestamps back; they are ignored but must be times, as Go parses them. */
export const TimestampField = Type.Optional(Nullable(Type.String({ format: 'date-time' })));

export const Timestamps = {
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
};

export const ListQuery = {
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
  per_page: Type.Optional(Type.String({ description: 'Page size: default 30, at most 100' })),
  name: Type.Optional(Type.String({ description: 'Exact name match' })),
};

export const listOf = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Type.Optional(Type.String({ description: 'Set when the page is full' })),
    },
    { description },
  );

const errorRef = Type.Ref('Error');

/** The error statuses a route may answer, each with the shared error body. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = errorRef;
  return out;
}

export const NoContent = Type.Null({ description: 'Deleted' });
