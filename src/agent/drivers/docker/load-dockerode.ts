import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';

const require = createRequire(import.meta.url);
let loaded: typeof Dockerode | undefined;

/**
 * dockerode, without the two parts it loads eagerly but a server never needs at start:
 * docker-modem's SSH transport (ssh2, with a 16 MiB WebAssembly heap; only for `ssh://`
 * DOCKER_HOST) and dockerode's BuildKit session (gRPC and protobufjs; only for BuildKit builds).
 * Together about 10 MiB of a server's memory, and their load time. Each is put in the CommonJS
 * module cache as a stand-in that loads the real module on its first call, so both still work
 * when used. Should a new dockerode move those files, the stand-ins are skipped and all loads
 * as before.
 */
export function loadDockerode(): typeof Dockerode {
  if (loaded) return loaded;
  const main = require.resolve('dockerode');
  const modem = createRequire(main).resolve('docker-modem');
  deferCall(join(dirname(main), 'session.js'));
  deferCall(join(dirname(modem), 'ssh.js'));
  loaded = require('dockerode') as typeof Dockerode;
  return loaded;
}

/** Caches a function that loads the module at `file` (whose export is a function) and calls it. */
function deferCall(file: string): void {
  if (require.cache[file]) return;
  try {
    require.resolve(file);
  } catch {
    return;
  }
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = function loadOnCall(this: unknown, ...args: unknown[]): unknown {
    if (require.cache[file] === stub) delete require.cache[file];
    const real = require(file) as (...a: unknown[]) => unknown;
    return real.apply(this, args);
  };
  require.cache[file] = stub;
}
