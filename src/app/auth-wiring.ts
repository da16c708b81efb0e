import { type AuthOptions, ensureAdminToken, TokensService, TokenVerifier } from '../auth/index.js';
import type { Config } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import type { LookupCache } from '../invoke/index.js';
import { isPublic } from '../models/index.js';

export interface AuthWiring {
  /** For buildServer; undefined when FNODE_AUTH=off. */
  server: (AuthOptions & { tokens: TokensService }) | undefined;
  /** The admin token generated at this start (the first), to be shown once. */
  adminToken: { secret: string; file: string } | undefined;
  /** A token was removed on another node: forget the cached lookups. */
  invalidate(): void;
  close(): Promise<void>;
}

/** Tokens and their checks, and the admin token of a first start (secure by default). */
export async function wireAuth(
  config: Pick<Config, 'auth' | 'dataDir'>,
  store: Datastore,
  cache: LookupCache,
  onTokenRemoved: () => void,
  onError: (err: unknown) => void,
): Promise<AuthWiring> {
  if (!config.auth) {
    return { server: undefined, adminToken: undefined, invalidate: () => {}, close: async () => {} };
  }
  const verifier = new TokenVerifier({ datastore: store, onError });
  const adminToken = await ensureAdminToken(store, config.dataDir);
  const found = <T>(p: Promise<T>) =>
    p.then(
      (v) => v,
      () => undefined,
    );
  const tokens = new TokensService(store, () => {
    verifier.invalidate();
    onTokenRemoved();
  });
  return {
    server: {
      verifier,
      tokens,
      lookups: {
        appIdByName: async (name) => (await found(cache.appByName(name)))?.id,
        appNameById: async (id) => (await found(cache.app(id)))?.name,
        appIdOfFn: async (id) => (await found(cache.fn(id)))?.app_id,
        appIdOfTrigger: async (id) => (await found(store.getTriggerById(id)))?.app_id,
        async isPublic(call) {
          const app = await cache.appByName(call.appName);
          if (call.kind === 'trigger') return isPublic((await cache.trigger(app.id, call.path)).annotations);
          return isPublic((await store.getRoute(app.id, call.path)).annotations);
        },
      },
    },
    adminToken,
    invalidate: () => verifier.invalidate(),
    close: () => verifier.close(),
  };
}
