// The few v2 API calls the bench makes.
import type { Pool } from 'undici';

/** One request, with `body` as JSON if given: its status and text. */
export async function send(
  pool: Pool,
  method: 'POST' | 'GET' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
) {
  const res = await pool.request({
    path,
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

export async function createApp(pool: Pool, name: string): Promise<string> {
  const res = await send(pool, 'POST', '/v2/apps', { name });
  if (res.status !== 200) throw new Error(`create app: ${res.status} ${res.text}`);
  return (JSON.parse(res.text) as { id: string }).id;
}

export interface NewFn {
  appId: string;
  name: string;
  image: string;
  /** Long, so that no hot container of a measured fn is retired while its floor is measured. */
  idleTimeout?: number;
  /** Seconds a call may run. */
  timeout?: number;
  annotations?: Record<string, number>;
}

/**
 * Creates a fn; its id, or `undefined` when the server refuses its annotations with a 400
 * (a feature not there yet). A 400 that asks for a string gets the same values as strings.
 */
export async function createFn(pool: Pool, fn: NewFn): Promise<string | undefined> {
  const body = (annotations?: Record<string, unknown>) => ({
    app_id: fn.appId,
    name: fn.name,
    image: fn.image,
    ...(fn.idleTimeout ? { idle_timeout: fn.idleTimeout } : {}),
    ...(fn.timeout ? { timeout: fn.timeout } : {}),
    ...(annotations ? { annotations } : {}),
  });
  let res = await send(pool, 'POST', '/v2/fns', body(fn.annotations));
  if (res.status === 400 && fn.annotations && /string/i.test(res.text)) {
    const asStrings = Object.fromEntries(Object.entries(fn.annotations).map(([k, v]) => [k, String(v)]));
    res = await send(pool, 'POST', '/v2/fns', body(asStrings));
  }
  if (res.status === 400 && fn.annotations) return undefined;
  if (res.status !== 200) throw new Error(`create fn ${fn.name}: ${res.status} ${res.text}`);
  return (JSON.parse(res.text) as { id: string }).id;
}

/** One call through /invoke; throws unless it answers 200. */
export async function invoke(pool: Pool, fnId: string, body: string, contentType: string): Promise<void> {
  const res = await pool.request({
    path: `/invoke/${fnId}`,
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`invoke ${fnId}: ${res.statusCode} ${text}`);
}

/**
 * The first call of a fn, which starts its container: tried up to three times, as a busy
 * machine can exceed the server's container start timeout (FN_HOT_START_TIMEOUT_MSECS, 5 s).
 */
export async function warm(pool: Pool, fnId: string, body: string, contentType: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await invoke(pool, fnId, body, contentType);
    } catch (e) {
      if (attempt === 3) throw e;
      console.error(`warming ${fnId}, attempt ${attempt}: ${(e as Error).message}`);
    }
  }
}

/** A gauge of the server's /metrics, or undefined when metrics are off or it is not there. */
export async function gauge(pool: Pool, name: string): Promise<number | undefined> {
  return (await gauges(pool, [name]))[name];
}

/** Several gauges from one scrape (a scrape resets prom-client's event-loop delay histogram). */
export async function gauges(pool: Pool, names: string[]): Promise<Record<string, number | undefined>> {
  const res = await send(pool, 'GET', '/metrics');
  const out: Record<string, number | undefined> = {};
  for (const name of names) {
    const m = res.status === 200 ? new RegExp(`^${name} (\\S+)$`, 'm').exec(res.text) : null;
    out[name] = m ? Number(m[1]) : undefined;
  }
  return out;
}
