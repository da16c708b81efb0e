import fc from 'fast-check';
import { long, odd } from './fuzz-basics.js';

/** More than FN_MAX_REQUEST_HEADER_SIZE's default (1 MiB): a 431. */
const OVER_HEADER_LIMIT = 'h'.repeat(1_100_000);

/**
 * Header values as they may travel: printable ASCII and Latin-1, long at times (over Node's own
 * 16 KiB limit), rarely over FN_MAX_REQUEST_HEADER_SIZE (a 431).
 */
const headerText = fc.oneof(
  odd(
    20,
    fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    }),
  ),
  odd(
    5,
    fc.string({
      unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)),
      maxLength: 10,
    }),
  ),
  odd(
    2,
    long(500, 4000).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')),
  ),
  odd(
    1,
    fc.oneof(
      odd(
        4,
        long(16_000, 40_000).map((s) => s.replace(/[^\x20-\x7e]/g, 'x')),
      ),
      odd(1, fc.constant(OVER_HEADER_LIMIT)),
    ),
  ),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'text/plain',
  'text/plain; charset=latin1',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'application/cloudevents+json',
  'application/octet-stream',
  'application/xml',
  ';;;',
  '',
  'application/',
  '/json',
  'application/json;',
  'application/json; charset=',
  'application/json; ===',
  'garbage',
];

/**
 * Bearer tokens and other credentials. Today every route ignores them; an authentication layer
 * would make some of them valid (pass its own arbitrary here) and expect 401s for the others.
 */
export const authorizationArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'Bearer x', 'Basic Zm46Zm4=', 'bearer token', 'Bearer  a b c', ''),
  headerText.map((t) => `Bearer ${t}`),
  headerText,
);

function headerValue(name: string): fc.Arbitrary<string> {
  switch (name) {
    case 'content-type':
      return fc.oneof(odd(3, fc.constantFrom(...CONTENT_TYPES)), odd(1, headerText));
    case 'accept':
      return fc.oneof(
        odd(
          3,
          fc.constantFrom('application/json', 'text/plain', '*/*', 'text/html', 'text/plain, */*', 'x/y;q=0'),
        ),
        odd(1, headerText),
      );
    case 'fn-invoke-type':
      return fc.oneof(
        odd(3, fc.constantFrom('sync', 'detached', 'async', 'ASYNC', ' async ', 'sync, async', '')),
        odd(1, headerText),
      );
    case 'fn-async-delay':
    case 'fn-async-priority':
      return fc.oneof(
        fc.constantFrom(
          '0',
          '1',
          '2',
          '3',
          '-1',
          '86400',
          '86401',
          '1e3',
          '0x10',
          '1.5',
          'NaN',
          '999999999999',
        ),
        headerText,
      );
    case 'authorization':
      return authorizationArb;
    case 'host':
      return fc.oneof(
        fc.constantFrom('', 'x', '[::1]', 'a:b:c', 'example.com:99999', 'évil', 'h\tost'),
        headerText,
      );
    case 'expect':
      return fc.oneof(fc.constantFrom('100-continue', '100-CONTINUE', '', 'x'), headerText);
    case 'content-encoding':
    case 'accept-encoding':
      return fc.oneof(fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip, gzip'), headerText);
    default:
      return headerText;
  }
}

const HEADER_NAMES = [
  'content-type',
  'accept',
  'fn-invoke-type',
  'fn-async-delay',
  'fn-async-priority',
  'idempotency-key',
  'authorization',
  'host',
  'content-encoding',
  'accept-encoding',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-for',
  'origin',
  'cookie',
  'fn-call-id',
  'fn-http-status',
  'fn-deadline',
  'user-agent',
  'expect',
];

const tokenChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~",
);

/** Headers in order, repeats allowed, at most one of them very long. */
export const headersArb: fc.Arbitrary<[string, string][]> = fc.array(
  fc
    .oneof(
      odd(4, fc.constantFrom(...HEADER_NAMES)),
      odd(1, fc.string({ unit: tokenChar, minLength: 1, maxLength: 20 })),
    )
    .chain((name) => headerValue(name.toLowerCase()).map((v): [string, string] => [name, v])),
  { maxLength: 6 },
);
