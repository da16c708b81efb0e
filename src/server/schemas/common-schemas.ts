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

/** What an error status means on this API: the description of that answer in the document. */
const ERROR_MEANINGS: Record<number, string> = {
  400: 'Invalid JSON, or a value the API refuses (the message says which)',
  401: 'No token, or an unknown or expired one (see WWW-Authenticate)',
  403: "The token's scope or app does not allow this request",
  404: 'Not found (the message says what)',
  406: 'Accept names no type this answer comes in',
  409: 'In conflict with what exists (the message says how)',
  413: 'The request body is over FN_MAX_REQUEST_SIZE',
  415: 'The Content-Type is not one this route reads',
  500: 'internal server error',
  502: 'The function failed, or its answer was not one the server could read',
  503: 'Busy, shutting down, or the datastore or Docker is not reachable: try again (Retry-After)',
  504: 'The function timed out',
};

/** The error answers with the body schema named `ref` (`Error`, or `V1Error` on v1 routes). */
export function errorsShaped(ref: string, statuses: readonly number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = Type.Ref(ref, { description: ERROR_MEANINGS[s] ?? 'Error' });
  return out;
}

/** The error statuses a route may answer, each with the shared error body. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return errorsShaped('Error', statuses);
}

export const NoContent = Type.Null({ description: 'Deleted' });
