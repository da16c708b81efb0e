#!/usr/bin/env node
// Writes V8's compile cache of the server bundle (dist/bin/server.cjs.cache), run by
// scripts/bundle.mjs in a process of its own: the bundle is loaded as `fnode start` loads it
// (src/cli/server-loader.ts, under the V8 flags start sets), and the cache is taken once the
// bundle has run, so it holds what loading it compiled. V8 refuses a cache made under other
// flags; `fnode start` then compiles as usual.
import { requireWithCodeCache } from '../dist/src/cli/server-loader.js';
import { withSmallYoungGeneration } from '../dist/src/cli/young-generation.js';

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: server-code-cache.mjs <bundle>');
await withSmallYoungGeneration(async () => requireWithCodeCache(bundle, { writeCache: true }));
