import fc from 'fast-check';

/**
 * Generators of hostile requests: paths, ids, query strings, headers and bodies. Everything is
 * built from the ids of a run's fixtures, so that a share of the requests reaches real entities.
 */

/** Ids and names of one set of entities (an app, its fn, trigger, v1 route and a call). */
export interface EntityIds {
  appId: string;
  appName: string;
  fnId: string;
  triggerId: string;
  /** The trigger's source, without its leading `/`. */
  triggerSource: string;
  /** The v1 route's path, without its leading `/`. */
  routePath: string;
  callId?: string | undefined;
}

/**
 * `keep` must come out of the run unchanged: requests that may change what they name (POST, PUT,
 * PATCH, DELETE on the v2 and v1 APIs) never name it. `play` may be changed or removed.
 */
export interface Fixtures {
  keep: EntityIds;
  play: EntityIds;
}

/** Where a request goes: a family (for what its answer may be) and its path. */
export type Family = 'v2' | 'calls' | 'v1' | 'invoke' | 'service' | 'unknown';

/** A request as the raw client sends it, with its family for the checks. */
export interface FuzzRequest {
  family: Family;
  method: string;
  /** Path and query, as on the wire. */
  target: string;
  headers: [string, string][];
  /** Sent as the first `Authorization` header when set (beside any in `headers`). */
  authorization: string | undefined;
  body: Uint8Array | undefined;
  chunked: boolean;
}

export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/**
 * An image that does not exist, on a registry that refuses connections at once: its calls fail
 * fast with 502 (no DNS lookup, which may take seconds, nor a container start).
 */
export const MISSING_IMAGE = 'localhost:1/fnode-fuzz/missing:1';
/** A syntactically valid id that names nothing. */
export const MISSING_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

export const odd = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

/** Repeats a short string up to a length: long values that stay cheap to make and to shrink. */
export const long = (min: number, max: number) =>
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min, max }))
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

/** Strings of every kind: ASCII, any Unicode (lone surrogates too), control characters, long. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  odd(4, fc.string({ maxLength: 30 })),
  odd(2, fc.string({ unit: 'grapheme', maxLength: 20 })),
  odd(1, fc.string({ unit: 'binary', maxLength: 20 })),
  odd(1, fc.constantFrom('', ' ', '\u0000', '\n', '..', '.', '%', '%00', '\u202e', '𝕗𝕟', 'ｆｎ', 'İ')),
  odd(1, long(200, 5000)),
);

/** Percent-encodes every UTF-8 byte outside `keep` (lone surrogates become U+FFFD, as on the wire). */
export function percentEncode(s: string, keep: RegExp): string {
  let out = '';
  for (const ch of s) {
    if (keep.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * One path segment as sent: properly encoded, or with `%` and other specials left raw (broken
 * escapes), or with Latin-1 bytes raw, or a known oddity.
 */
export function segment(raw: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    odd(
      4,
      raw.map((s) => percentEncode(s, /[A-Za-z0-9._~-]/)),
    ),
    odd(
      2,
      raw.map((s) => percentEncode(s, /[!-.0-9:;=@-~]/)),
    ),
    odd(
      1,
      raw.map((s) => percentEncode(s, /[!-.0-9:;=@-~\u00a1-\u00ff]/)),
    ),
    odd(
      1,
      fc.constantFrom(
        '%',
        '%ZZ',
        '%E0%A4%A',
        '%00',
        '%2F',
        '%2e%2e',
        '..',
        '.',
        '%C0%AF',
        '%FF',
        ';x=1',
        '*',
        ':id',
      ),
    ),
  );
}

/** An id for a path or a body: one of `ids`, a valid id of nothing, a near miss, or junk. */
export function idOf(ids: readonly string[]): fc.Arbitrary<string> {
  const nearMiss = fc
    .tuple(fc.constantFrom(...ids), fc.nat(3))
    .map(([id, how]) => [id.toLowerCase(), `${id}0`, id.slice(1), ` ${id}`][how]!);
  return fc.oneof(
    odd(6, fc.constantFrom(...ids)),
    odd(1, fc.constant(MISSING_ID)),
    odd(1, fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 })),
    odd(1, nearMiss),
    odd(2, anyText),
  );
}

/** A resource name: one of `names`, a valid name of nothing, or anything. */
export function nameOf(names: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    odd(5, fc.constantFrom(...names)),
    odd(2, fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
    odd(1, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })),
    odd(2, anyText),
  );
}
