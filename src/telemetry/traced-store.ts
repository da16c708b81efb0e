import { type Datastore, DatastoreMethodKinds, decorate } from '../datastore/index.js';
import type { Tracing } from './tracing.js';

/**
 * Wraps a datastore so each write method (as `DatastoreMethodKinds` classes them, which the
 * type checker keeps complete) runs in a `datastore <method>` span. Reads pass through untouched.
 */
export function tracedStore<T extends Partial<Datastore>>(store: T, tracing: Tracing): T {
  const { api } = tracing;
  const overrides: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(DatastoreMethodKinds)) {
    const method = (store as Record<string, unknown>)[name];
    if (kind !== 'write' || typeof method !== 'function') continue;
    const fn = method as (...a: unknown[]) => Promise<unknown>;
    overrides[name] = (...args: unknown[]) => {
      const span = tracing.start(`datastore ${name}`, {
        kind: api.SpanKind.CLIENT,
        attributes: { 'db.operation.name': name },
      });
      return api.context.with(api.trace.setSpan(api.context.active(), span), () =>
        fn.apply(store, args).then(
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
  }
  return decorate(store, overrides as Partial<T>);
}
