import type { Tracing } from './tracing.js';

const WRITES = /^(insert|update|delete|remove|put|add)/;

/**
 * Wraps a datastore (or log store) so each write method runs in a `datastore <method>` span.
 * Reads pass through untouched.
 */
export function tracedStore<T extends object>(store: T, tracing: Tracing): T {
  const { api } = tracing;
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || !WRITES.test(prop)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => {
        const span = tracing.start(`datastore ${prop}`, {
          kind: api.SpanKind.CLIENT,
          attributes: { 'db.operation.name': prop },
        });
        return api.context.with(api.trace.setSpan(api.context.active(), span), () =>
          fn.apply(target, args).then(
            (v) => {
              span.end();
              return v;
            },
            (err: unknown) => {
              span.setStatus({ code: api.SpanStatusCode.ERROR, message: String(err) });
              span.end();
              throw err;
            },
          ),
        );
      };
    },
  });
}
