import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { errorsShaped } from './common-schemas.js';

/** [V1] Every v1 error, on `/v1` and `/r`: the server answers in it (src/server/v1-errors.ts). */
export const V1ErrorSchema = Type.Object(
  { error: Type.Object({ message: Type.String() }) },
  { $id: 'V1Error', description: 'Every v1 error: `{"error":{"message":...}}`' },
);

/** The error statuses a v1 route may answer, each with the v1 error body. */
export function v1Errors(...statuses: number[]): Record<number, TSchema> {
  return errorsShaped('V1Error', statuses);
}
