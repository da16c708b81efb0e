import { type Datastore, decorate, type MethodName } from '../datastore/index.js';
import { LRUCache } from 'lru-cache';
import type { App, Fn, Trigger } from '../models/index.js';

/** A loader of one entry, given to the cache's fetch as its context. */
type Load = () => Promise<object>;

/** Most lookups kept; the least recently used go first. */
const MaxEntries = 10_000;

/**
 * Fn's CachedDataAccess: app, fn and trigger lookups on the invoke path are cached for a few
 * seconds. Writes through the API clear it (see `invalidate`), so edits show at once on this node.
 * Concurrent misses of one key share one datastore read; misses and errors are not cached (a fn
 * created a moment later must be found); a read in flight when the cache is cleared still answers
 * its callers but is not kept.
 */
export class LookupCache {
  private readonly cache: LRUCache<string, object, Load>;

  constructor(
    private readonly store: Datastore,
    ttlMs = 5000,
    /** Milliseconds on a monotonic clock (tests set the time). */
    now: () => number = () => performance.now(),
  ) {
    this.cache = new LRUCache<string, object, Load>({
      max: MaxEntries,
      ttl: ttlMs,
      // Ages are read on every lookup, not rounded to a timer's tick.
      ttlResolution: 0,
      perf: { now },
      ignoreFetchAbort: true,
      fetchMethod: (_key, _stale, { context }) => context(),
    });
  }

  fn(id: string): Promise<Fn> {
    return this.get(`f:${id}`, () => this.store.getFnById(id));
  }

  /** The fn when it is cached and loaded, else undefined (then `fn()` looks it up). */
  loadedFn(id: string): Fn | undefined {
    return this.cache.get(`f:${id}`) as Fn | undefined;
  }

  app(id: string): Promise<App> {
    return this.get(`a:${id}`, () => this.store.getAppById(id));
  }

  /** The app when it is cached and loaded, else undefined (then `app()` looks it up). */
  loadedApp(id: string): App | undefined {
    return this.cache.get(`a:${id}`) as App | undefined;
  }

  appByName(name: string): Promise<App> {
    return this.get(`n:${name}`, () => this.store.getAppByName(name));
  }

  trigger(appId: string, source: string): Promise<Trigger> {
    return this.get(`t:${appId}:${source}`, () => this.store.getTriggerBySource(appId, 'http', source));
  }

  invalidate(): void {
    this.cache.clear();
  }

  private async get<T extends object>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit) return hit as T;
    // The loaders throw (Fn's 404) rather than answer nothing, so a fetch always has a value.
    return (await this.cache.fetch(key, { context: load })) as T;
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
