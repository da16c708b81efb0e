import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, type Token } from '../models/index.js';
import { type Access, accessFor, grants } from './access.js';
import { bearerOf } from './token-secret.js';
import type { TokenVerifier } from './token-verifier.js';

/** What the auth hooks ask about apps, fns and triggers; undefined: it does not exist. */
export interface AuthLookups {
  appIdByName(name: string): Promise<string | undefined>;
  appNameById(id: string): Promise<string | undefined>;
  appIdOfFn(fnId: string): Promise<string | undefined>;
  appIdOfTrigger(triggerId: string): Promise<string | undefined>;
  /** True when the trigger (`/t`) or route (`/r`) at that path of that app is public. */
  isPublic(call: NonNullable<Access['publicCall']>): Promise<boolean>;
}

export interface AuthOptions {
  verifier: TokenVerifier;
  lookups: AuthLookups;
}

/** The one app a request's token is limited to, set for app listings. */
export interface AppLimit {
  id: string;
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when an app-limited token lists apps: the listing shows this app only. */
    fnodeAppLimit?: AppLimit;
  }
}

export const errAuthRequired = () =>
  new ApiError(401, 'Authentication required: send the header Authorization: Bearer <token>', {
    'WWW-Authenticate': 'Bearer realm="fnode"',
  });
export const errBadToken = () =>
  new ApiError(401, 'Invalid or expired token', {
    'WWW-Authenticate': 'Bearer realm="fnode", error="invalid_token"',
  });
export const errScope = (scope: string) =>
  new ApiError(403, `Token scope '${scope}' does not allow this request`);
export const errOtherApp = () => new ApiError(403, 'Token is limited to another app');
export const errAllApps = () =>
  new ApiError(403, 'Token is limited to one app: this request concerns every app');

const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

/**
 * Every route but those `accessFor` leaves open (`/`, `/version`, health, the API's docs) needs
 * `Authorization: Bearer <token>` whose scope grants the request (401 without a valid token, 403
 * without the scope), and a token limited to one app touches that app only. Public triggers and routes need no token. Errors
 * take the shape of the route they hit (v1 or v2), through the route's error handler.
 */
export function installAuth(app: FastifyInstance, opts: AuthOptions): void {
  const { verifier, lookups } = opts;
  const limited = new WeakMap<FastifyRequest, { token: Token; access: Access }>();

  app.addHook('onRequest', async (req) => {
    const access = accessFor(req.method, pathOf(req.url));
    if (access.need === 'open') return;
    const secret = bearerOf(req.headers.authorization);
    const token = secret ? await verifier.verify(secret) : undefined;
    if (!token || !grants(token.scope, access.need)) {
      if (access.publicCall && (await lookups.isPublic(access.publicCall).catch(() => false))) return;
      if (!token) throw secret ? errBadToken() : errAuthRequired();
      throw errScope(token.scope);
    }
    if (token.app_id) limited.set(req, { token, access });
  });

  // After the body is parsed (some requests name their app there), before it is validated.
  app.addHook('preValidation', async (req) => {
    const entry = limited.get(req);
    if (!entry) return;
    const appId = entry.token.app_id!;
    const ref = entry.access.app;
    let target: string | undefined;
    switch (ref.kind) {
      case 'none':
        return;
      case 'all-apps':
        throw errAllApps();
      case 'app-list': {
        const name = await lookups.appNameById(appId);
        req.fnodeAppLimit = { id: appId, name: name ?? '' };
        return;
      }
      case 'app-id':
        target = ref.id;
        break;
      case 'app-name':
        target = await lookups.appIdByName(ref.name);
        break;
      case 'fn-id':
        target = await lookups.appIdOfFn(ref.id);
        break;
      case 'trigger-id':
        target = await lookups.appIdOfTrigger(ref.id);
        break;
      case 'app-id-in-query':
        target = (req.query as { app_id?: unknown } | undefined)?.app_id as string | undefined;
        if (target === undefined) throw errAllApps();
        break;
      case 'app-id-in-body':
        target = (req.body as { app_id?: unknown } | undefined)?.app_id as string | undefined;
        break;
    }
    // What does not exist is the route's to answer (its 404 or 400), and tells nothing.
    if (target !== undefined && target !== appId) throw errOtherApp();
  });
}
