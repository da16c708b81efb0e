import type { TokenScope } from '../models/index.js';

/** What a request needs: no token, or a token whose scope grants this kind of access. */
export type Need = 'open' | 'read' | 'invoke' | 'deploy' | 'admin';

/** Which app a request is about, when a token limited to one app must be checked against it. */
export type AppRef =
  | { kind: 'app-id'; id: string }
  | { kind: 'app-name'; name: string }
  | { kind: 'fn-id'; id: string }
  | { kind: 'trigger-id'; id: string }
  /** The app id is in the query (`app_id`) or the JSON body (`app_id`, v1: `app.name`). */
  | { kind: 'app-id-in-query' }
  | { kind: 'app-id-in-body' }
  /** A listing of apps: an app-limited token sees its own app only. */
  | { kind: 'app-list' }
  /** Nothing to check against one app: tokens, metrics, creating an app. Limited tokens may not. */
  | { kind: 'all-apps' }
  | { kind: 'none' };

export interface Access {
  need: Need;
  app: AppRef;
  /** An invocation that a public trigger or route may allow without a token. */
  publicCall?: { kind: 'trigger' | 'route'; appName: string; path: string };
}

const GRANTS: Record<TokenScope, ReadonlySet<Need>> = {
  admin: new Set(['open', 'read', 'invoke', 'deploy', 'admin']),
  deploy: new Set(['open', 'read', 'deploy']),
  invoke: new Set(['open', 'invoke']),
  read: new Set(['open', 'read']),
};

export function grants(scope: TokenScope, need: Need): boolean {
  return GRANTS[scope].has(need);
}

const read = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * What anyone may read: health, version, the API's documentation (the OpenAPI document and
 * its page hold no secret: no entity, no configuration, only the routes and their schemas), and
 * the dashboard's static page.
 */
const OPEN_PATHS = new Set([
  '/',
  '/version',
  '/health/live',
  '/health/ready',
  '/v2/openapi.json',
  '/v2/docs',
  '/ui',
]);
/** The docs' files, and the web dashboard's page and files (its API calls carry the token). */
const OPEN_PREFIXES = ['/v2/docs/', '/ui/'];

/** Classifies a request by its method and path (without the query string). */
export function accessFor(method: string, path: string): Access {
  const parts = path.split('/');
  const [, top, second, third] = parts;
  const r = read(method);
  if (r && (OPEN_PATHS.has(path) || OPEN_PREFIXES.some((p) => path.startsWith(p)))) {
    return { need: 'open', app: { kind: 'none' } };
  }
  switch (top) {
    case 'invoke':
      return { need: 'invoke', app: second ? { kind: 'fn-id', id: second } : { kind: 'none' } };
    case 't':
    case 'r': {
      if (!second) return { need: 'invoke', app: { kind: 'none' } };
      const appName = decode(second);
      return {
        need: 'invoke',
        app: { kind: 'app-name', name: appName },
        publicCall: {
          kind: top === 't' ? 'trigger' : 'route',
          appName,
          path: `/${parts.slice(3).join('/')}`,
        },
      };
    }
    case 'metrics':
      return { need: 'read', app: { kind: 'all-apps' } };
    case 'v2':
      return v2Access(method, second, third);
    case 'v1':
      return v1Access(method, parts.slice(2));
    default:
      return { need: r ? 'read' : 'deploy', app: { kind: 'all-apps' } };
  }
}

function v2Access(method: string, collection: string | undefined, id: string | undefined): Access {
  const need: Need = read(method) ? 'read' : 'deploy';
  switch (collection) {
    case 'tokens':
      return { need: 'admin', app: { kind: 'all-apps' } };
    case 'apps':
      if (id) return { need, app: { kind: 'app-id', id: decode(id) } };
      return { need, app: read(method) ? { kind: 'app-list' } : { kind: 'all-apps' } };
    case 'fns':
      if (id) return { need, app: { kind: 'fn-id', id: decode(id) } };
      return { need, app: read(method) ? { kind: 'app-id-in-query' } : { kind: 'app-id-in-body' } };
    case 'triggers':
      if (id) return { need, app: { kind: 'trigger-id', id: decode(id) } };
      return { need, app: read(method) ? { kind: 'app-id-in-query' } : { kind: 'app-id-in-body' } };
    default:
      return { need, app: { kind: 'all-apps' } };
  }
}

function v1Access(method: string, rest: string[]): Access {
  const need: Need = read(method) ? 'read' : 'deploy';
  if (rest[0] !== 'apps') return { need, app: { kind: 'all-apps' } };
  if (rest[1]) return { need, app: { kind: 'app-name', name: decode(rest[1]) } };
  return { need, app: read(method) ? { kind: 'app-list' } : { kind: 'all-apps' } };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
