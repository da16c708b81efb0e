import { execFileSync } from 'node:child_process';
import { http, type Reply } from '../helpers/fnode.js';

/** The fixture that tries to hurt the host on request (test/fixtures/functions/hostile). */
export const HOSTILE = 'fnode-test/hostile';

/** POSTs one of the hostile function's actions to `path` (`/invoke/<fn>` or `/r/<app><path>`). */
export function act(base: string, path: string, action: string, opts: object = {}): Promise<Reply> {
  return http(base, 'POST', path, JSON.stringify({ action, ...opts }));
}

/** `docker inspect` of a container (an id or its prefix), or undefined once it is gone. */
export function inspect(
  id: string,
): { State: { Running: boolean }; HostConfig: Record<string, unknown> } | undefined {
  try {
    const out = execFileSync('docker', ['inspect', '--type', 'container', id], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return (JSON.parse(out) as ReturnType<typeof inspect>[])[0];
  } catch {
    return undefined;
  }
}
