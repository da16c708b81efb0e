#!/usr/bin/env node
// Bundles the `fnode` command (src/cli/main.ts and all it imports) into dist/bin/, the program
// `npm start` and the `fnode` bin run. Node then loads a few files instead of some 1,200 modules
// (fnode's own, Fastify's, Kysely's, TypeBox's), each found, read and compiled on its own: a
// server answers its first request in about half the time and idles with less memory (see
// bench/start.ts). Whitespace and syntax are minified, names are kept, so stack traces still
// name the functions; dist/bin/*.map maps them back (node --enable-source-maps).
//
// Left outside the bundle, loaded from node_modules when used:
// - native addons (better-sqlite3) and packages whose files are read at run time;
// - the optional packages that only some configurations load (other databases, Redis, tracing
//   exporters, the event triggers' broker clients; undici at the first container): they stay out of a default server's memory, and
//   test/app/optional-modules.test.ts can see that they are not loaded;
// - dockerode, whose rarely used parts src/agent/drivers/docker/load-dockerode.ts defers through
//   the CommonJS module cache.
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Packages loaded from node_modules, never copied into the bundle. */
export const EXTERNAL = [
  'better-sqlite3',
  'pg',
  'pg-pool',
  'mysql2',
  'ioredis',
  'undici',
  'dockerode',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-http',
  // Event trigger brokers (src/events): each loaded when a trigger of its type runs.
  'nats',
  'amqplib',
  'mqtt',
  // Swagger UI's files, read from its folder by /v2/docs (src/server/docs-routes.ts).
  '@fastify/swagger-ui',
];

const root = fileURLToPath(new URL('..', import.meta.url));

// Chunk names carry a hash: a new build replaces the old files rather than adding to them.
rmSync(`${root}/dist/bin`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { fnode: 'src/cli/main.ts' },
  outdir: 'dist/bin',
  bundle: true,
  // Dynamic imports stay lazy: the server's modules load only for `start`, a client command's
  // only for the other commands, an optional driver only when configured.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __fnodeRequire } from 'node:module'; const require = __fnodeRequire(import.meta.url);",
  },
});
// What went into the bundle, for the test that checks optional packages stay out of it.
writeFileSync(`${root}/dist/bin/meta.json`, JSON.stringify(result.metafile));
