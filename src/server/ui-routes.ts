import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { errPathNotFound } from '../models/index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Where `npm run build` put the dashboard (`dist/ui`), seen from this file wherever it runs: the
 * bundle (`dist/bin`), tsc's output (`dist/src/server`) or the sources under tsx (`src/server`).
 * Looked for at the first request only: an idle server never touches the folder.
 */
function findUiDir(): string | undefined {
  for (const rel of ['../../dist/ui/', '../ui/', '../../ui/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    // `assets` too: the sources' ui/index.html is not the built page.
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return undefined;
}

export interface UiRoutesOptions {
  /** The built dashboard's folder; found next to the code when absent. */
  dir?: string;
}

const FileParams = Type.Object({ '*': Type.String({ description: 'A file or a page of the dashboard' }) });

/**
 * `/ui/`: the web dashboard, a single page built by Vite into `dist/ui`. Its files are read on
 * request (streamed, never cached in memory); hashed assets are immutable; any other path under
 * `/ui/` is the page itself, for the client's routes. Open to all (see `accessFor`): the page holds
 * no data, the API calls it makes carry the token.
 */
export const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, opts) => {
  let dir = opts.dir;
  const uiDir = (): string | undefined => {
    dir ??= findUiDir();
    return dir;
  };

  const sendIndex = (reply: FastifyReply, url: string) => {
    const d = uiDir();
    if (!d) throw errPathNotFound('GET', url);
    return reply
      .type(TYPES['.html']!)
      .header('cache-control', 'no-cache')
      .send(createReadStream(join(d, 'index.html')));
  };

  app.get('/ui', { schema: { hide: true } }, async (_req, reply) => reply.redirect('ui/'));
  app.get('/ui/', { schema: { hide: true } }, async (req, reply) => sendIndex(reply, req.url));
  app.get<{ Params: { '*': string } }>(
    '/ui/*',
    { schema: { hide: true, params: FileParams } },
    async (req, reply) => {
      const rel = req.params['*'];
      const d = uiDir();
      const ext = extname(rel);
      // A path without an extension is one of the page's own routes (e.g. /ui/apps/x).
      if (!d || !ext) return sendIndex(reply, req.url);
      const file = normalize(join(d, rel));
      const type = Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined;
      if (!type || !file.startsWith(d.endsWith(sep) ? d : d + sep) || !isFile(file)) {
        throw errPathNotFound(req.method, req.url.split('?', 1)[0] ?? req.url);
      }
      // Vite names the bundle's files by their content's hash: they never change.
      const cache = rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return reply.type(type).header('cache-control', cache).send(createReadStream(file));
    },
  );
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
