import { Errors, fail } from './errors.js';
import { MaxAnnotationKeyBytes, MaxAnnotationKeys, MaxAnnotationValueBytes } from './limits.js';

/** Annotation values are any non-empty JSON value; keys are printable ASCII without spaces. */
export type Annotations = Record<string, unknown>;
export type Config = Record<string, string>;

const KEY_PATTERN = /^[!-~]+$/;

function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/** Validates a complete annotation set (Fn's `Annotations.Validate`). */
export function validateAnnotations(a: Annotations | undefined): void {
  if (!a) return;
  const keys = Object.keys(a);
  if (keys.length > MaxAnnotationKeys) fail('TooManyAnnotationKeys');
  for (const k of keys) {
    validateAnnotationKey(k);
    const v = a[k];
    if (isEmptyValue(v)) fail('InvalidAnnotationValue');
    if (Buffer.byteLength(JSON.stringify(v)) > MaxAnnotationValueBytes) fail('InvalidAnnotationValueLength');
  }
}

function validateAnnotationKey(k: string): void {
  if (!KEY_PATTERN.test(k)) fail('InvalidAnnotationKey');
  if (Buffer.byteLength(k) > MaxAnnotationKeyBytes) fail('InvalidAnnotationKeyLength');
}

/**
 * Merges a change into annotations: `""` or `null` deletes a key (Fn's `MergeChange`).
 * Validates the change's keys and values and the size of the result.
 */
export function mergeAnnotations(
  current: Annotations | undefined,
  change: Annotations | undefined,
): Annotations | undefined {
  if (!change) return current;
  const out: Annotations = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(change)) {
    if (k === '__proto__') continue;
    validateAnnotationKey(k);
    if (isEmptyValue(v)) {
      delete out[k];
      continue;
    }
    if (Buffer.byteLength(JSON.stringify(v)) > MaxAnnotationValueBytes) fail('InvalidAnnotationValueLength');
    out[k] = v;
  }
  if (Object.keys(out).length > MaxAnnotationKeys) throw Errors.TooManyAnnotationKeys.copy();
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Merges config: an empty value deletes a key. */
export function mergeConfig(current: Config | undefined, change: Config | undefined): Config | undefined {
  if (!change) return current;
  const out: Config = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(change)) {
    if (k === '__proto__') continue;
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Order-insensitive deep equality for small JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const obj = v as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

export function isEmptyObject(o: object | undefined): boolean {
  return !o || Object.keys(o).length === 0;
}
