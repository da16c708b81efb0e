import fc from 'fast-check';
import { anyText, type Family, type Fixtures, idOf, long, MISSING_IMAGE, odd } from './fuzz-basics.js';

/** Request bodies: any JSON, entity-shaped, nearly valid, invalid, deep, huge, binary. */

const FIELDS = [
  'id',
  'name',
  'app_id',
  'fn_id',
  'image',
  'memory',
  'timeout',
  'idle_timeout',
  'config',
  'annotations',
  'syslog_url',
  'shape',
  'type',
  'source',
  'created_at',
  'updated_at',
  'path',
  'format',
  'cpus',
  'headers',
  'tmpfs_size',
  '__proto__',
  'constructor',
];

const NUMBERS = [
  0,
  -1,
  1,
  1.5,
  127,
  128,
  300,
  301,
  3600,
  3601,
  8192,
  8193,
  2 ** 31,
  2 ** 53,
  1e21,
  1e308,
  -1e308,
];

/** A field value close to what the field takes (to get past the first checks), or anything. */
function fieldValue(fx: Fixtures): fc.Arbitrary<unknown> {
  const ids = [fx.keep.appId, fx.play.appId, fx.keep.fnId, fx.play.fnId, fx.play.triggerId];
  const annotations = fc.dictionary(
    fc.oneof(
      odd(3, fc.string({ minLength: 1, maxLength: 20 })),
      odd(1, fc.constantFrom('fnode.io/max-concurrency', 'fnode.io/min-hot', 'fnode.io/call-retention-secs')),
      odd(1, anyText),
    ),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 120 },
  );
  return fc.oneof(
    odd(3, fc.jsonValue({ maxDepth: 3 })),
    odd(2, anyText),
    odd(2, fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/)),
    odd(1, fc.constantFrom(...NUMBERS)),
    odd(2, idOf(ids)),
    odd(1, annotations),
    odd(1, fc.dictionary(anyText, fc.oneof(anyText, fc.constant(null), fc.jsonValue({ maxDepth: 1 })))),
    odd(
      1,
      fc.constantFrom(
        'tcp://127.0.0.1:9',
        'udp://x',
        'http://x',
        'tcp+tls://[::1',
        'unix:///x',
        ':',
        'tcp://%zz',
      ),
    ),
    odd(1, fc.constantFrom('http', 'HTTP', 'sync', 'async', 'default', 'json', 'http-stream', 'GENERIC_X86')),
    odd(
      1,
      anyText.map((s) => `/${s}`),
    ),
    odd(1, fc.constantFrom(MISSING_IMAGE, 'localhost:1/missing', 'INVALID IMAGE', '::', 'a'.repeat(300))),
    odd(1, fc.constantFrom('2020-01-01T00:00:00.000Z', 'yesterday', '100m', '0.1', '1025000m')),
    odd(1, fc.constantFrom('a\u0000b', '\u0000', 'x\ud800y', '\uffff', 'e\u0301')),
    odd(1, fc.integer({ min: 1, max: 20_000 }).map(nested)),
    odd(
      1,
      fc.integer({ min: 1, max: 20_000 }).map((n) => ({ deep: nested(n) })),
    ),
  );
}

/**
 * `[[[…]]]`, `n` deep, inside a value: JSON.parse takes it, a recursive walk (JSON.stringify,
 * a validator) may not. Made as a placeholder, expanded by `serialize` (this process would not
 * stringify it either).
 */
function nested(n: number): string {
  return `\u0001deep:${n}\u0001`;
}

/** JSON text of `v`, with the `nested` placeholders expanded. */
export function serialize(v: unknown): string {
  return JSON.stringify(v).replace(
    /"\\u0001deep:(\d+)\\u0001"/g,
    (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)),
  );
}

/** Strings that storage may choke on: NUL, lone surrogates, non-BMP, combining marks, long. */
const storedText = fc.oneof(
  odd(4, fc.string({ unit: 'grapheme', maxLength: 20 })),
  odd(
    1,
    fc.constantFrom(
      'a\u0000b',
      '\u0000',
      'x\ud800y',
      '\udfff',
      '\uffff',
      'e\u0301',
      '🎉',
      "'; drop table apps; --",
    ),
  ),
  odd(1, long(256, 70_000)),
);

const configArb = fc.dictionary(
  fc.oneof(odd(3, fc.stringMatching(/^[A-Z_]{1,12}$/)), odd(1, storedText)),
  storedText,
  {
    maxKeys: 5,
  },
);

/** Mostly `valid` (so that a whole body passes more often than not), at times `invalid`. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) =>
  fc.oneof(odd(8, valid), odd(1, invalid));

const annotationsArb = fc.dictionary(
  mostly(fc.stringMatching(/^[a-z./_-]{1,20}$/), storedText),
  mostly(
    fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
      fc.integer(),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    storedText,
  ),
  { maxKeys: 5 },
);

const nameArb = fc.oneof(odd(4, fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/)), odd(1, storedText));

/**
 * Bodies that pass the first checks: every field of the right type and mostly valid, with
 * storage-hostile text in the free-form ones, so that the request reaches the datastore (and,
 * for route headers and config, the answers and containers of later calls).
 */
export function validBodies(fx: Fixtures) {
  const appIds = fc.constantFrom(fx.keep.appId, fx.play.appId);
  const fnIds = fc.constantFrom(fx.keep.fnId, fx.play.fnId);
  // On the refusing registry, so that calls of what the fuzz stored never wait on DNS.
  const image = fc.oneof(
    odd(3, fc.constant(MISSING_IMAGE)),
    odd(
      1,
      storedText.map((t) => `localhost:1/${t}`),
    ),
  );
  const common = { config: configArb, annotations: annotationsArb };
  const app = fc.record(
    {
      name: nameArb,
      ...common,
      syslog_url: fc.oneof(
        fc.constantFrom('tcp://127.0.0.1:1', 'udp://[::1]:1', 'tcp+tls://x:1'),
        storedText,
      ),
      shape: fc.constantFrom('', 'GENERIC_X86', 'GENERIC_ARM'),
    },
    { requiredKeys: ['name'] },
  );
  const fn = fc.record(
    {
      app_id: appIds,
      name: nameArb,
      image,
      memory: mostly(fc.integer({ min: 1, max: 8192 }), fc.integer({ min: -1, max: 9000 })),
      timeout: mostly(fc.integer({ min: 1, max: 300 }), fc.integer({ min: -1, max: 400 })),
      idle_timeout: mostly(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: -1, max: 4000 })),
      ...common,
    },
    { requiredKeys: ['app_id', 'name', 'image'] },
  );
  const trigger = fc.record(
    {
      app_id: appIds,
      fn_id: fnIds,
      name: nameArb,
      type: fc.constant('http'),
      source: storedText.map((t) => `/${t}`),
      annotations: annotationsArb,
    },
    { requiredKeys: ['app_id', 'fn_id', 'name', 'type', 'source'] },
  );
  const route = fc.record(
    {
      path: storedText.map((t) => `/${t}`),
      image,
      memory: mostly(fc.integer({ min: 1, max: 8192 }), fc.integer({ min: -1, max: 9000 })),
      cpus: mostly(fc.constantFrom('', '100m', '0.5'), fc.constantFrom('1025000m', 'x', '-1')),
      headers: fc.dictionary(
        fc.oneof(fc.stringMatching(/^[A-Za-z-]{1,12}$/), storedText),
        fc.array(storedText, { maxLength: 2 }),
        { maxKeys: 3 },
      ),
      type: mostly(fc.constantFrom('sync', 'async'), fc.constant('x')),
      format: mostly(
        fc.constantFrom('default', 'http', 'http-stream', 'json', 'cloudevent'),
        fc.constant('x'),
      ),
      timeout: mostly(fc.integer({ min: 1, max: 120 }), fc.integer({ min: -1, max: 4000 })),
      idle_timeout: mostly(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: -1, max: 4000 })),
      tmpfs_size: mostly(fc.integer({ min: 0, max: 1024 }), fc.integer({ min: -1, max: 2000 })),
      ...common,
    },
    { requiredKeys: ['path', 'image'] },
  );
  return { app, fn, trigger, route };
}

function validEntity(fx: Fixtures): fc.Arbitrary<Record<string, unknown>> {
  const { app, fn, trigger, route } = validBodies(fx);
  return fc.oneof(
    app,
    fn,
    trigger,
    route,
    app.map((a) => ({ app: a })),
    route.map((r) => ({ route: r })),
  );
}

/** A JSON object of the API's field names (and some others) with values of any type. */
function entityObject(fx: Fixtures): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fc.oneof(odd(5, fc.constantFrom(...FIELDS)), odd(1, anyText)), fieldValue(fx), {
    maxKeys: 8,
  });
}

const deep = fc
  .tuple(fc.integer({ min: 50, max: 100_000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => open.repeat(n) + (open === '[' ? ']' : '}').repeat(n));

export const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** Bodies for `family`: absent, empty, any JSON, entity-shaped, invalid, deep, huge, binary. */
export function bodyOf(fx: Fixtures, family: Family): fc.Arbitrary<Uint8Array | undefined> {
  const entity = entityObject(fx);
  const shaped =
    family === 'v1'
      ? fc.oneof(
          entity.map((o) => ({ app: o })),
          entity.map((o) => ({ route: o })),
          fc.record({ app: fieldValue(fx), route: fieldValue(fx) }, { requiredKeys: [] }),
          entity,
        )
      : entity;
  const json = fc
    .oneof(odd(4, shaped), odd(4, validEntity(fx)), odd(2, fc.jsonValue({ maxDepth: 4 })))
    .map((v) => text(serialize(v)));
  return fc.oneof(
    odd(3, fc.constant(undefined)),
    odd(1, fc.constant(new Uint8Array(0))),
    odd(10, json),
    odd(2, anyText.map(text)),
    odd(
      1,
      shaped.map((v) => {
        const s = serialize(v);
        return text(s.slice(0, Math.max(0, s.length - 1)));
      }),
    ),
    odd(
      1,
      shaped.map((v) => text(`\ufeff${serialize(v)}`)),
    ),
    odd(
      1,
      shaped.map((v) => new Uint8Array(Buffer.from(serialize(v), 'utf16le'))),
    ),
    odd(
      1,
      fc
        .constantFrom('{"name":"a","name":1}', '{"__proto__":{"x":1}}', '{"a":"\\ud800"}', 'null', '1e999')
        .map(text),
    ),
    odd(1, deep.map(text)),
    odd(
      1,
      long(10_000, 1_000_000).map((s) => text(JSON.stringify({ name: s, image: s, app: { name: s } }))),
    ),
    odd(1, fc.uint8Array({ maxLength: 2000 })),
  );
}
