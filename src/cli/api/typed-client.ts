import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi-types.js';

/** The v2 API (and every other documented route), typed from the OpenAPI document. */
export type FnodeApi = Client<paths>;

type Schemas = components['schemas'];
export type App = Schemas['App'];
export type Fn = Schemas['Fn'];
export type Trigger = Schemas['Trigger'];
export type Call = Schemas['Call'];
export type Token = Schemas['Token'];

/** What an openapi-fetch call resolves to. */
export interface TypedReply<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * A client for `baseUrl` sending `headers` with every request; `fetch` is the transport (the
 * CLI's maps connection failures to its own errors).
 */
export function createTypedClient(
  baseUrl: string,
  headers: Record<string, string>,
  fetch: (req: Request) => Promise<Response>,
): FnodeApi {
  return createClient<paths>({ baseUrl, headers, fetch });
}
