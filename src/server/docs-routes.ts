import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { errPathNotFound } from '../models/index.js';

/**
 * The page: Swagger UI on `/v2/openapi.json`, its files served by fnode itself (no CDN).
 * Relative links, so that it works behind a proxy that moves `/v2`.
 */
const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fnode API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
};
`;

/** Swagger UI's files this page uses, as @fastify/swagger-ui ships them, with their types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Where Swagger UI's files are, and their version (the ETag), found at the first request for
 * one: a server nobody reads the docs of never looks (@fastify/swagger-ui's plugin would load
 * @fastify/static and glob, some 11 MiB, into every server).
 */
let swaggerUi: { dir: string; etag: string } | undefined;
function swaggerUiFiles(): { dir: string; etag: string } {
  if (swaggerUi) return swaggerUi;
  const pkg = createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json');
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  swaggerUi = { dir: join(dirname(pkg), 'static'), etag: `"swagger-ui-${version}"` };
  return swaggerUi;
}

const AssetParams = Type.Object({ file: Type.String() });

/** `GET /v2/docs`: the API's documentation page, open to all like the document it shows. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/v2/docs',
    {
      schema: {
        operationId: 'getApiDocs',
        tags: ['service'],
        summary: 'This API, as a page to read and try (Swagger UI)',
        response: {
          200: { description: 'An HTML page', content: { 'text/html': { schema: Type.String() } } },
        },
      },
    },
    async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE),
  );
  app.get('/v2/docs/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('../docs'));
  app.get<{ Params: { file: string } }>(
    '/v2/docs/:file',
    { schema: { hide: true, params: AssetParams } },
    async (req, reply) => {
      const { file } = req.params;
      if (file === 'init.js') return reply.type('application/javascript; charset=utf-8').send(INIT);
      const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
      if (!type) throw errPathNotFound(req.method, req.url.split('?', 1)[0] ?? req.url);
      const { dir, etag } = swaggerUiFiles();
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(type).send(createReadStream(join(dir, file)));
    },
  );
};
