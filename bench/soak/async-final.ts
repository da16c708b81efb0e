// After the load: every accepted async call should reach a final status in bounded time.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { type CallStatus, isFinalStatus } from '../../src/models/index.js';
import { send } from '../invoke/api.js';

export interface AsyncOutcome {
  /** Final calls by status. */
  statuses: Map<string, number>;
  /** Calls not final at the deadline, by their last status (or the HTTP status when not found). */
  pending: Map<string, number>;
  waitedMs: number;
}

/** Polls GET /v2/fns/<fn>/calls/<id> of the calls not final yet, a round a second, until `timeoutMs`. */
export async function waitFinal(
  pool: Pool,
  fnId: string,
  ids: string[],
  timeoutMs: number,
): Promise<AsyncOutcome> {
  const started = performance.now();
  const statuses = new Map<string, number>();
  let pending = new Map<string, string>(ids.map((id) => [id, 'unknown']));
  for (;;) {
    const left = [...pending.keys()];
    const next = new Map<string, string>();
    // Four at a time: the server is still running, and may still be running these calls.
    for (let i = 0; i < left.length; i += 4) {
      await Promise.all(
        left.slice(i, i + 4).map(async (id) => {
          const res = await send(pool, 'GET', `/v2/fns/${fnId}/calls/${id}`);
          const status =
            res.status === 200 ? (JSON.parse(res.text) as { status: string }).status : `HTTP ${res.status}`;
          if (isFinalStatus(status as CallStatus)) statuses.set(status, (statuses.get(status) ?? 0) + 1);
          else next.set(id, status);
        }),
      );
    }
    pending = next;
    if (pending.size === 0 || performance.now() - started >= timeoutMs) break;
    await sleep(1000);
  }
  const byStatus = new Map<string, number>();
  for (const s of pending.values()) byStatus.set(s, (byStatus.get(s) ?? 0) + 1);
  return { statuses, pending: byStatus, waitedMs: performance.now() - started };
}
