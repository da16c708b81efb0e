/** Config and annotations as text in the forms: `KEY=value` lines and a JSON object. */

export function configToText(c: Record<string, string> | undefined): string {
  return Object.entries(c ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** `KEY=value` lines; a line without `=` is an error that names it. */
export function textToConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    if (!raw.trim()) continue;
    // The value is kept as typed (spaces included): config values are opaque strings.
    const eq = raw.indexOf('=');
    const key = eq < 0 ? '' : raw.slice(0, eq).trim();
    if (!key) throw new Error(`Config line ${i + 1} is not KEY=value: "${raw.trim().slice(0, 40)}"`);
    out[key] = raw.slice(eq + 1);
  }
  return out;
}

export function annotationsToText(a: Record<string, unknown> | undefined): string {
  return a && Object.keys(a).length > 0 ? JSON.stringify(a, null, 2) : '';
}

/** A JSON object, or an error in words. */
export function textToAnnotations(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`Annotations are not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error('Annotations must be a JSON object');
  return v as Record<string, unknown>;
}

/**
 * What an edit sends: Fn merges config and annotations on update, and removes a key sent with
 * an empty value; so keys that were there and are gone are sent empty.
 */
export function mergePatch<T>(
  before: Record<string, T> | undefined,
  after: Record<string, T>,
  empty: T,
): Record<string, T> {
  const out: Record<string, T> = { ...after };
  for (const k of Object.keys(before ?? {})) if (!(k in after)) out[k] = empty;
  return out;
}
