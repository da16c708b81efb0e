import type { Datastore } from './datastore.js';

/** The names of an object type's methods. */
export type MethodName<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T] &
  string;

/**
 * `target` with some of its methods replaced, named and typed by the checker: renaming a method
 * of the port breaks the build instead of silently skipping the override. Every other member
 * passes through, bound to `target`.
 */
export function decorate<T extends object>(target: T, overrides: Partial<Pick<T, MethodName<T>>>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(t, prop, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

/**
 * Every method of the Datastore port, as a read or a write. A method added to the port without
 * its line here does not compile, so decorators that treat writes apart (tracing) cannot miss it.
 */
export const DatastoreMethodKinds: Record<MethodName<Datastore>, 'read' | 'write'> = {
  insertApp: 'write',
  updateApp: 'write',
  getAppById: 'read',
  getAppByName: 'read',
  getApps: 'read',
  removeApp: 'write',
  insertFn: 'write',
  updateFn: 'write',
  getFnById: 'read',
  getFns: 'read',
  removeFn: 'write',
  insertTrigger: 'write',
  updateTrigger: 'write',
  getTriggerById: 'read',
  getTriggers: 'read',
  getTriggerBySource: 'read',
  removeTrigger: 'write',
  insertRoute: 'write',
  updateRoute: 'write',
  getRoute: 'read',
  getRoutesByApp: 'read',
  removeRoute: 'write',
  insertCalls: 'write',
  updateCall: 'write',
  applyCallChanges: 'write',
  getCallsByIds: 'read',
  getCall: 'read',
  getCallById: 'read',
  getCalls: 'read',
  insertAsyncCall: 'write',
  getCallsByStatus: 'read',
  countPendingCalls: 'read',
  getDeadLetters: 'read',
  clearDeadLetter: 'write',
  insertCallResponse: 'write',
  getCallResponse: 'read',
  insertLogs: 'write',
  getLog: 'read',
  removeLogs: 'write',
  removeOldCalls: 'write',
  removeOldClaims: 'write',
  getFnsWithAnnotation: 'read',
  reclaimSpace: 'write',
  insertToken: 'write',
  getTokenByHash: 'read',
  listTokens: 'read',
  countTokens: 'read',
  removeToken: 'write',
  markTokensUsed: 'write',
  close: 'read',
};
