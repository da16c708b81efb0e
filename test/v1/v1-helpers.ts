import { randomUUID } from 'node:crypto';
import { eventually, http } from '../helpers/fnode.js';

export interface V1Call {
  id: string;
  status: string;
  path?: string;
  format?: string;
  type?: string;
  error?: string;
  reason?: string;
}

/** Creates an app (through the route's auto-create) and a route on it; returns the names. */
export async function createRoute(
  base: string,
  route: Record<string, unknown>,
  app = `app-${randomUUID().slice(0, 8)}`,
): Promise<{ app: string; path: string }> {
  const path = (route['path'] as string | undefined) ?? `/r-${randomUUID().slice(0, 8)}`;
  const res = await http(base, 'POST', `/v1/apps/${app}/routes`, { route: { ...route, path } });
  if (res.status !== 200) throw new Error(`create route: ${res.status} ${res.text}`);
  return { app, path };
}

/** The v1 call record once it satisfies `done` (default: finished). */
export function v1Call(
  base: string,
  app: string,
  id: string,
  done: (c: V1Call) => boolean = (c) => c.status !== 'running' && c.status !== 'queued',
  timeoutMs = 20_000,
): Promise<V1Call> {
  return eventually(async () => {
    const r = await http(base, 'GET', `/v1/apps/${app}/calls/${id}`);
    if (r.status !== 200) return undefined;
    const c = r.json<{ call: V1Call }>().call;
    return done(c) ? c : undefined;
  }, timeoutMs);
}

export async function v1Log(base: string, app: string, id: string): Promise<string> {
  const r = await http(base, 'GET', `/v1/apps/${app}/calls/${id}/log`);
  if (r.status !== 200) throw new Error(`log: ${r.status} ${r.text}`);
  return r.json<{ log: { log: string } }>().log.log;
}

export const callIdOf = (headers: Record<string, string | string[] | undefined>) =>
  String(headers['fn_call_id']);
