import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export type ServerModule = typeof import('../app/index.js');

/** What became of the bundle's compile cache on this start. */
export type CodeCacheUse = 'accepted' | 'rejected' | 'absent' | 'not bundled';

/**
 * The server's modules: the CommonJS bundle beside this file (dist/bin/server.cjs, made by
 * scripts/bundle.mjs) with V8's compile cache, or, run from source, `src/app` itself.
 */
export async function loadServer(): Promise<{ server: ServerModule; codeCache: CodeCacheUse }> {
  const bundle = fileURLToPath(new URL('./server.cjs', import.meta.url));
  if (!existsSync(bundle)) {
    // Not a literal: the `fnode` bundle must not copy the server's modules in a second time.
    const fromSource = '../app/index.js';
    return { server: (await import(fromSource)) as ServerModule, codeCache: 'not bundled' };
  }
  const { exports, codeCache } = requireWithCodeCache(bundle);
  return { server: exports as ServerModule, codeCache };
}

/**
 * Runs a CommonJS bundle written as one function expression `(function (exports, require,
 * module, __filename, __dirname) {...})`, compiled with the code V8 cached for it at build time.
 *
 * Node 20 caches no compiled code for ES modules (`module.enableCompileCache` came in Node 22):
 * each start parsed and compiled the server's 2 MB of JavaScript anew, about a fifth of the
 * time to the first answer. V8 checks a cache against its version, its flags and the source's
 * length, and compiles as usual when it does not fit; the build writes the cache after the
 * bundle, so an older cache is also set aside by its date.
 *
 * The source is read as Latin-1 (the build checks that it is ASCII): Node then hands V8 the
 * file's bytes as an external string, where UTF-8 decoding built a copy in the heap (about
 * 5 MiB more resident memory).
 */
export function requireWithCodeCache(
  bundle: string,
  opts: { writeCache?: boolean } = {},
): { exports: unknown; codeCache: CodeCacheUse } {
  // Beside the bundle, written by the build.
  const cacheFile = `${bundle}.cache`;
  const cachedData = freshCache(bundle, cacheFile);
  // The bundle has no `import()` (scripts/bundle.mjs makes those of outside packages requires):
  // code compiled from a cache finds no module loader for it.
  const script = new Script(readFileSync(bundle, 'latin1'), {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const wrapper = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} as unknown };
  wrapper.call(
    module.exports,
    module.exports as object,
    createRequire(bundle),
    module,
    bundle,
    dirname(bundle),
  );
  // After the run: the cache then holds the functions the module's loading compiled too.
  if (opts.writeCache) writeFileSync(cacheFile, script.createCachedData());
  const codeCache = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: module.exports, codeCache };
}

function freshCache(bundle: string, cacheFile: string): Buffer | undefined {
  try {
    if (statSync(cacheFile).mtimeMs < statSync(bundle).mtimeMs) return undefined;
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}
