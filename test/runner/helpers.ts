import type { Call } from '../../src/models/index.js';
import { eventually, http } from '../helpers/fnode.js';

export const ASYNC = { 'fn-invoke-type': 'async' } as const;

/** POSTs an async invoke and returns the accepted call id (asserting the 202 shape). */
export async function invokeAsync(
  base: string,
  fnId: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const r = await http(base, 'POST', `/invoke/${fnId}`, body, { ...ASYNC, ...headers });
  if (r.status !== 202) throw new Error(`async invoke: ${r.status} ${r.text}`);
  const id = r.json<{ call_id: string }>().call_id;
  if (r.headers['fn-call-id'] !== id) throw new Error('Fn-Call-Id header differs from call_id');
  return id;
}

export async function getCall(base: string, fnId: string, id: string): Promise<Call> {
  const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${id}`);
  if (r.status !== 200) throw new Error(`get call: ${r.status} ${r.text}`);
  return r.json<Call>();
}

export async function listCalls(base: string, fnId: string): Promise<Call[]> {
  return (await http(base, 'GET', `/v2/fns/${fnId}/calls?per_page=100`)).json<{ items: Call[] }>().items;
}

const FINAL = new Set(['success', 'error', 'cancelled']);

/** Waits until the call is final. */
export function finalCall(base: string, fnId: string, id: string, timeoutMs = 20_000): Promise<Call> {
  return eventually(async () => {
    const c = await getCall(base, fnId, id);
    return FINAL.has(c.status) ? c : undefined;
  }, timeoutMs);
}

export const ms = (iso: string | undefined): number => Date.parse(iso ?? '');
