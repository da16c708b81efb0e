import type { Annotations, Config } from '../models/index.js';
import type { ConfigChange } from './bodies.js';

/** Drops keys whose value is undefined, so optional fields stay absent rather than `undefined`. */
export function defined<T extends object>(o: T): T {
  const out = { ...o };
  for (const k of Object.keys(out) as (keyof T)[]) {
    if (out[k] === undefined) delete out[k];
  }
  return out;
}

export function orUndefined<T>(v: T | null | undefined): T | undefined {
  return v ?? undefined;
}

/** A config value of `null` decodes to `""` in Go, which deletes the key on update. */
export function configOf(c: ConfigChange | null | undefined): Config | undefined {
  if (!c) return undefined;
  const out: Config = {};
  for (const [k, v] of Object.entries(c)) out[k] = v ?? '';
  return out;
}

/**
 * Read-time annotations are computed on every answer and never stored, so a client echoing an
 * object back (GET then PUT) does not persist them or spend its 100-key budget on them.
 */
export function annotationsOf(
  a: Annotations | null | undefined,
  readTimeKey: string,
): Annotations | undefined {
  if (!a) return undefined;
  if (!Object.hasOwn(a, readTimeKey)) return a;
  const out = { ...a };
  delete out[readTimeKey];
  return out;
}
