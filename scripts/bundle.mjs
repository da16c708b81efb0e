#!/usr/bin/env node
// Bundles the `fnode` command (src/cli/main.ts and all it imports) into dist/bin/, the program
// `npm start` and the `fnode` bin run. Node then loads a few files instead of some 1,200 modules
// (fnode's own, Fastify's, Kysely's, TypeBox's), each found, read and compiled on its own: a
// server answers its first request in about half the time and idles with less memory (see
// bench/start.ts). Whitespace and syntax are minified, names are kept, so stack traces still
// name the functions; dist/bin/*.map maps them back (node --enable-source-maps). The server
// (src/app) is bundled once more, as dist/bin/server.cjs with V8's code cache beside it: see
// below and src/cli/server-loader.ts.
//
// Left outside the bundle, loaded from node_modules when used:
// - native addons (better-sqlite3) and packages whose files are read at run time;
// - the optional packages that only some configurations load (other databases, Redis, tracing
//   exporters, the event triggers' broker clients; undici at the first container): they stay out of a default server's memory, and
//   test/app/optional-modules.test.ts can see that they are not loaded;
// - dockerode, whose rarely used parts src/agent/drivers/docker/load-dockerode.ts defers through
//   the CommonJS module cache.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** What both bundles are built with. */
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
};
const result = await build({
  ...common,
  entryPoints: { fnode: 'src/cli/main.ts' },
  outdir: 'dist/bin',
  // Dynamic imports stay lazy: a client command's modules load only for the other commands.
  splitting: true,
  format: 'esm',
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __fnodeRequire } from 'node:module'; const require = __fnodeRequire(import.meta.url);",
  },
});

/**
 * `import('pkg')` of a package left outside the bundle, in the server's CommonJS bundle: a
 * require, with the namespace Node's `import()` gives a CommonJS module (its exports, and the
 * whole as `default`). A real `import()` inside code compiled from V8's cache finds no loader.
 */
const IMPORT_AS_REQUIRE =
  'const __fnodeImport = (id) => Promise.resolve().then(() => { const m = require(id); return { ...m, default: m }; });';
const externalImportsAsRequire = {
  name: 'external-imports-as-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      // Not a type's `import('pkg').Name` (after `:`, `as`, `typeof`, `<` or `|`).
      const valueImport = /(?<!(?::|\bas|\btypeof|<|\|)\s*)\bimport\('([^.'][^']*)'\)/g;
      if (!valueImport.test(text)) return undefined;
      return { contents: text.replace(valueImport, "__fnodeImport('$1')"), loader: 'ts' };
    });
  },
};

// The server (src/app) once more, as one CommonJS function that `fnode start` compiles with the
// code V8 cached for it (src/cli/server-loader.ts): Node 20 keeps no compiled code for ES
// modules, and compiling 2 MB of JavaScript was about a fifth of a start.
const server = await build({
  ...common,
  entryPoints: ['src/app/index.ts'],
  outfile: 'dist/bin/server.cjs',
  format: 'cjs',
  // ASCII only (the loader reads it as Latin-1): license comments go to a file of their own.
  charset: 'ascii',
  legalComments: 'linked',
  // The whole file is the function the loader calls, as Node's own CommonJS wrapper would be.
  banner: {
    js: `(function (exports, require, module, __filename, __dirname) {const __fnodeUrl = require("node:url").pathToFileURL(__filename).href;${IMPORT_AS_REQUIRE}`,
  },
  plugins: [externalImportsAsRequire],
  footer: { js: '})' },
  define: { 'import.meta.url': '__fnodeUrl' },
});
const serverFile = `${root}/dist/bin/server.cjs`;
if (readFileSync(serverFile).some((byte) => byte > 0x7f)) {
  throw new Error(`${serverFile} is not ASCII: src/cli/server-loader.ts reads it as Latin-1`);
}
// The compile cache, made by a start's own loader under a start's V8 flags (V8 refuses a cache
// made under other flags), in a process of its own.
execFileSync(process.execPath, [`${root}/scripts/server-code-cache.mjs`, serverFile], { stdio: 'inherit' });

// What went into the bundles, for the test that checks optional packages stay out of them.
writeFileSync(`${root}/dist/bin/meta.json`, JSON.stringify(result.metafile));
writeFileSync(`${root}/dist/bin/server-meta.json`, JSON.stringify(server.metafile));
