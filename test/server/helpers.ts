import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Datastore } from '../../src/datastore/datastore.js';
import { createDatastore } from '../../src/datastore/index.js';
import { buildServer, type ServerOptions, type ServerPlugin } from '../../src/server/index.js';

export interface TestServer {
  app: FastifyInstance;
  ds: Datastore;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<ServerOptions> {
  /** Route families that need the server's datastore (registered after `plugins`). */
  pluginsOn?: (ds: Datastore) => readonly ServerPlugin[];
}

/** A server on a fresh SQLite file in its own temp dir; `close` removes everything. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fnode-server-'));
  const ds = await createDatastore(`sqlite3://${join(dir, 'fn.db')}`);
  const { pluginsOn, ...options } = opts;
  const plugins = [...(options.plugins ?? []), ...(pluginsOn?.(ds) ?? [])];
  const app = await buildServer({ datastore: ds, version: '9.9.9-test', ...options, plugins });
  await app.ready();
  return {
    app,
    ds,
    close: async () => {
      await app.close();
      await ds.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, unknown>;
  // Tests read arbitrary fields of answers.
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  body: any;
  raw: string;
}

/** One request; a non-string body is sent as JSON. */
export async function send(
  app: FastifyInstance,
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const payload = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const hasJson = body !== undefined && typeof body !== 'string';
  const res = await app.inject({
    method,
    url,
    ...(payload !== undefined ? { payload } : {}),
    headers: { ...(hasJson ? { 'content-type': 'application/json' } : {}), ...headers },
  });
  let parsed: unknown;
  try {
    parsed = res.body === '' ? undefined : JSON.parse(res.body);
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, raw: res.body };
}

/** Asserts nothing itself: returns the created entity's body, throwing if creation failed. */
async function create(app: FastifyInstance, url: string, body: object) {
  const res = await send(app, 'POST', url, body);
  if (res.status !== 200) throw new Error(`POST ${url} ${JSON.stringify(body)}: ${res.status} ${res.raw}`);
  return res.body;
}

export const createApp = (app: FastifyInstance, body: object = {}) =>
  create(app, '/v2/apps', { name: unique('app'), ...body });

export const createFn = (app: FastifyInstance, appId: string, body: object = {}) =>
  create(app, '/v2/fns', { name: unique('fn'), app_id: appId, image: 'fnproject/hello:0.0.1', ...body });

export const createTrigger = (app: FastifyInstance, appId: string, fnId: string, body: object = {}) => {
  const name = unique('trig');
  return create(app, '/v2/triggers', {
    name,
    app_id: appId,
    fn_id: fnId,
    type: 'http',
    source: `/${name}`,
    ...body,
  });
};

/** A syntactically valid id that names nothing. */
export const MISSING_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
