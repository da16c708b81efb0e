import { ApiError } from './api-error.js';
import type { Annotations } from './annotations.js';

/** fnode's own fn annotations that shape how its calls run, with their ranges and defaults. */
export const FnodeAnnotations = {
  /** Calls one hot container takes at once over http-stream (1 = Fn's behaviour). */
  maxConcurrency: { key: 'fnode.io/max-concurrency', min: 1, max: 1000, dflt: 1 },
  /** Containers kept started and idle for the fn, whatever its idle timeout. */
  minHot: { key: 'fnode.io/min-hot', min: 0, max: 100, dflt: 0 },
} as const;

export type FnodeAnnotationName = keyof typeof FnodeAnnotations;

/** An integer, or a string of decimal digits (annotation values are any JSON). */
function integerOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^\d{1,9}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** 400 for a value out of its range; checked on create and update with the other annotations. */
export function validateFnodeAnnotations(a: Annotations | undefined): void {
  if (!a) return;
  for (const { key, min, max } of Object.values(FnodeAnnotations)) {
    if (!(key in a)) continue;
    const n = integerOf(a[key]);
    if (n === undefined || n < min || n > max) {
      throw new ApiError(400, `Invalid annotation ${key}: must be an integer from ${min} to ${max}`);
    }
  }
}

/** The annotation's value, or its default when absent (stored values have been validated). */
export function fnodeAnnotation(a: Annotations | undefined, name: FnodeAnnotationName): number {
  const { key, min, max, dflt } = FnodeAnnotations[name];
  const n = integerOf(a?.[key]);
  return n !== undefined && n >= min && n <= max ? n : dflt;
}

/** On an HTTP trigger or a v1 route: callable without a token (`true`); everything else still needs one. */
export const PublicAnnotation = 'fnode.io/public';

/** 400 unless the public annotation, when present, is `true` or `false` (or those words as strings). */
export function validatePublicAnnotation(a: Annotations | undefined): void {
  if (!a || !(PublicAnnotation in a)) return;
  const v = a[PublicAnnotation];
  if (v === true || v === false || v === 'true' || v === 'false') return;
  throw new ApiError(400, `Invalid annotation ${PublicAnnotation}: must be true or false`);
}

/** True when the trigger or route says it may be called without a token. */
export function isPublic(a: Annotations | undefined): boolean {
  const v = a?.[PublicAnnotation];
  return v === true || v === 'true';
}
