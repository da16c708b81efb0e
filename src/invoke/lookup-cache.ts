import { type Datastore, decorate, type MethodName } from '../datastore/index.js';
import type { App, Fn, Trigger } from '../models/index.js';

interface Entry<T> {
  value: Promise<T>;
  /** The value once loaded: a hit needs no await. */
  loaded?: T;
  expires: number;
}

/**
 * Fn's CachedDataAccess: app, fn and trigger lookups on the invoke path are cached for a few
 * seconds. Writes through the API clear it (see `invalidate`), so edits show at once on this node.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly store: Datastore,
    private readonly ttlMs = 5000,
  ) {}

  fn(id: string): Promise<Fn> {
    return this.get(`f:${id}`, () => this.store.getFnById(id));
  }

  /** The fn when it is cached and loaded, else undefined (then `fn()` looks it up). */
  loadedFn(id: string): Fn | undefined {
    return this.loaded(`f:${id}`);
  }

  app(id: string): Promise<App> {
    return this.get(`a:${id}`, () => this.store.getAppById(id));
  }

  /** The app when it is cached and loaded, else undefined (then `app()` looks it up). */
  loadedApp(id: string): App | undefined {
    return this.loaded(`a:${id}`);
  }

  appByName(name: string): Promise<App> {
    return this.get(`n:${name}`, () => this.store.getAppByName(name));
  }

  trigger(appId: string, source: string): Promise<Trigger> {
    return this.get(`t:${appId}:${source}`, () => this.store.getTriggerBySource(appId, 'http', source));
  }

  invalidate(): void {
    this.entries.clear();
  }

  private loaded<T>(key: string): T | undefined {
    const hit = this.entries.get(key) as Entry<T> | undefined;
    return hit && hit.expires > Date.now() ? hit.loaded : undefined;
  }

  private get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    const value = load();
    const entry: Entry<T> = { value, expires: now + this.ttlMs };
    this.entries.set(key, entry);
    // Misses and errors are not cached: a fn created a moment later must be found.
    value.then(
      (v) => {
        entry.loaded = v;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    if (this.entries.size > 10_000) this.entries.clear();
    return value;
  }
}

/**
 * Wraps a datastore so that every write that could change a lookup calls `onWrite` (which
 * clears this node's cache and tells the other nodes).
 */
export function invalidatingDatastore(store: Datastore, onWrite: () => void): Datastore {
  const writes = [
    'updateApp',
    'removeApp',
    // A new fn changes no lookup, but may be one to keep warm (fnode.io/min-hot).
    'insertFn',
    'updateFn',
    'removeFn',
    'insertTrigger',
    'updateTrigger',
    'removeTrigger',
    'insertRoute',
    'updateRoute',
    'removeRoute',
  ] as const satisfies readonly MethodName<Datastore>[];
  const overrides: Partial<Datastore> = {};
  for (const name of writes) {
    const write = store[name] as (...a: unknown[]) => Promise<unknown>;
    (overrides as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await write.apply(store, args);
      } finally {
        onWrite();
      }
    };
  }
  return decorate(store, overrides);
}
