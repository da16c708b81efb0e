import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errMethodNotAllowed, errPathNotFound } from '../models/index.js';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** find-my-way syntax to a RegExp: `:param` is one segment, `*` the rest of the path. */
export function routePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** Go's `URL.Path`: the percent-decoded path without the query. */
function requestPath(req: FastifyRequest): string {
  const raw = req.url.split('?', 1)[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Fn's NoRoute/NoMethod answers: 405 `Method not allowed: <METHOD> <path>` when another method
 * serves the path, else 404 `Path not found: <METHOD> <path>`. Must be installed before any
 * route so that every route, including later plugins', is seen.
 */
export function installNotFound(app: FastifyInstance): void {
  const known: KnownPath[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = routePattern(route.url ?? route.path);
    const existing = known.find((k) => k.pattern.source === pattern.source);
    if (existing) for (const m of methods) existing.methods.add(m);
    else known.push({ pattern, methods: new Set(methods) });
  });

  // Its own scope with a parser that reads nothing: an unknown path is a 404 whatever its body.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => {
      payload.resume();
      done(null, undefined);
    });
    scope.setNotFoundHandler(async (req) => {
      const path = requestPath(req);
      const rawPath = req.url.split('?', 1)[0] ?? '/';
      const served = known.some((k) => k.pattern.test(rawPath) && !k.methods.has(req.method));
      throw served ? errMethodNotAllowed(req.method, path) : errPathNotFound(req.method, path);
    });
  });
}
