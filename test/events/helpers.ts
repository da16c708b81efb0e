import { randomUUID } from 'node:crypto';
import type { Call } from '../../src/models/index.js';
import { eventually, http } from '../helpers/fnode.js';

export interface TriggerStatus {
  trigger_id: string;
  type: string;
  state: string;
  broker?: string;
  next_fire_at?: string;
  delivered?: number;
  failed?: number;
  last_error?: string;
  consumer?: Record<string, string | number>;
}

/** A name unique to this run, so parallel test files never share a subject, queue or key. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

export async function createTrigger(
  base: string,
  target: { appId: string; fnId: string },
  type: string,
  source: string,
  annotations?: Record<string, unknown>,
): Promise<string> {
  const r = await http(base, 'POST', '/v2/triggers', {
    name: unique('t'),
    app_id: target.appId,
    fn_id: target.fnId,
    type,
    source,
    ...(annotations ? { annotations } : {}),
  });
  if (r.status !== 200) throw new Error(`create trigger: ${r.status} ${r.text}`);
  return r.json<{ id: string }>().id;
}

export async function triggerStatus(base: string, id: string): Promise<TriggerStatus> {
  const r = await http(base, 'GET', `/v2/triggers/${id}/status`);
  if (r.status !== 200) throw new Error(`trigger status: ${r.status} ${r.text}`);
  return r.json<TriggerStatus>();
}

/** Waits until this node's source of the trigger is connected and consuming. */
export function running(base: string, id: string, timeoutMs = 15_000): Promise<TriggerStatus> {
  return eventually(async () => {
    const s = await triggerStatus(base, id);
    return s.state === 'running' ? s : undefined;
  }, timeoutMs);
}

export async function callsOf(base: string, fnId: string): Promise<Call[]> {
  const r = await http(base, 'GET', `/v2/fns/${fnId}/calls?per_page=100`);
  if (r.status !== 200) throw new Error(`list calls: ${r.status} ${r.text}`);
  return r.json<{ items: Call[] }>().items;
}

/** Waits until the fn has `n` calls in a final state, and returns them. */
export function finalCalls(base: string, fnId: string, n: number, timeoutMs = 30_000): Promise<Call[]> {
  return eventually(async () => {
    const calls = await callsOf(base, fnId);
    const done = calls.filter((c) => ['success', 'error', 'cancelled'].includes(c.status));
    return done.length >= n ? done : undefined;
  }, timeoutMs);
}

/** A header of a stored call (stored as lists). */
export function header(call: Call, name: string): string | undefined {
  const v = call.headers?.[name] ?? call.headers?.[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : (v as string | undefined);
}

/** The function's answer, stored with the async call. */
export async function responseOf(base: string, fnId: string, callId: string): Promise<string> {
  const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}/response`);
  if (r.status !== 200) throw new Error(`call response: ${r.status} ${r.text}`);
  return r.text;
}
