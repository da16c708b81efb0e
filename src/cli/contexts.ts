import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { usageError } from './exit-codes.js';

/** A named fnode server, as the `fn` CLI keeps its contexts: where it is and the token to use. */
export interface ContextEntry {
  api_url: string;
  token?: string;
}

export interface ContextsFile {
  current?: string;
  contexts: Record<string, ContextEntry>;
}

/** `$XDG_CONFIG_HOME/fnode/contexts.json` (default `~/.config`): tokens inside, so mode 0600. */
export function contextsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'fnode', 'contexts.json');
}

export function loadContexts(path = contextsPath()): ContextsFile {
  if (!existsSync(path)) return { contexts: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ContextsFile>;
    return { ...(parsed.current ? { current: parsed.current } : {}), contexts: parsed.contexts ?? {} };
  } catch (e) {
    throw usageError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}; fix or delete it`);
  }
}

export function saveContexts(file: ContextsFile, path = contextsPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The context in use, if one is. */
export function currentContext(path = contextsPath()): ContextEntry | undefined {
  const file = loadContexts(path);
  return file.current ? file.contexts[file.current] : undefined;
}

/**
 * The admin token a server on this machine wrote at its first start, for an API URL on this
 * machine: `$FNODE_DATA_DIR/admin-token`, or `./data/admin-token` as `fnode start` makes it.
 */
export function localAdminToken(apiUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let host: string;
  try {
    host = new URL(apiUrl).hostname;
  } catch {
    return undefined;
  }
  if (!['localhost', '127.0.0.1', '[::1]', '::1'].includes(host)) return undefined;
  const file = join(env['FNODE_DATA_DIR'] || join(process.cwd(), 'data'), 'admin-token');
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
