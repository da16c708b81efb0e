import { Errors } from '../models/index.js';
import type { AgentObserver } from './agent-observer.js';
import { ExchangeFailure } from './container-protocol.js';
import type { AgentCall } from './function-spec.js';
import type { HotContainer } from './hot-container.js';
import { CallDeadlineError, type FunctionResponse } from './http-stream.js';
import { SharedLog } from './shared-log.js';
import type { SlotQueue } from './slot-queue.js';

/**
 * Runs one call in the container it was given: Fn's half-timeout rule, the call's log and stats,
 * the failure reasons, and the container's release (kept for the next call, or retired).
 */
export async function executeCall(
  q: SlotQueue,
  hc: HotContainer,
  call: AgentCall,
  obs: AgentObserver,
  releaseContainer: (q: SlotQueue, hc: HotContainer, keep: boolean) => void,
): Promise<FunctionResponse> {
  const timeoutMs = q.spec.timeoutSecs * 1000;
  const remaining = call.deadline - Date.now();
  // Seed 004: a call left with under half its timeout is not started; it times out.
  if (remaining < timeoutMs / 2) {
    releaseContainer(q, hc, !q.protocol.oneShot);
    call.reason = 'timeout';
    throw Errors.CallTimeout.copy();
  }
  call.startedAt = Date.now();
  hc.lastCallAt = call.startedAt;
  call.containerId = hc.container.dockerId;
  hc.calls++;
  obs.callStarted(call, hc.container);
  const shared = hc.capacity > 1 ? SharedLog.of(hc.container) : undefined;
  if (shared) shared.add(call);
  else
    void hc.container.setLogListener(call.onLog ? (line, stream) => call.onLog?.(line, stream) : undefined);
  let keep = false;
  try {
    const res = await hc.exchange.send(call, remaining);
    keep = true;
    return res;
  } catch (e) {
    if (e instanceof ExchangeFailure) {
      call.reason = e.reason;
      keep = e.keep;
      throw e.error;
    }
    call.reason = e instanceof CallDeadlineError ? 'timeout' : await exitReason(hc);
    throw e;
  } finally {
    call.completedAt = Date.now();
    q.recordService(hc, call.completedAt - call.startedAt);
    keep = keep && !q.protocol.oneShot;
    const release = (): Promise<void> => {
      // The answer came on the socket; the output comes through Docker and may still be on its way.
      call.logsDone = shared ? shared.remove(call) : hc.exchange.endLogs();
      // The observer may extend logsDone (a fresh container's first stats sample).
      obs.callEnded(call, hc.container);
      const logsDone = call.logsDone;
      releaseContainer(q, hc, keep);
      return logsDone;
    };
    // A good answer goes out first: the log switch (a marker written through Docker) and the
    // hand-off follow on the next turn of the event loop, off the caller's critical path.
    if (keep) {
      const released = new Promise<void>((resolve) => setImmediate(() => void release().then(resolve)));
      call.logsDone = released;
    } else release();
  }
}

/** After a broken connection: an OOM kill is `killed`, any other end is `bad_exit`. */
async function exitReason(hc: HotContainer): Promise<'killed' | 'bad_exit'> {
  const exit =
    hc.exit ??
    (await Promise.race([
      hc.container.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 500).unref()),
    ]));
  return exit?.oomKilled ? 'killed' : 'bad_exit';
}
