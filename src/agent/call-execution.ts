import { type CallReason, Errors, type StatsPoint } from '../models/index.js';
import type { AgentObserver, CallDecoration } from './agent-observer.js';
import { type CallResult, notRun } from './call-result.js';
import { ExchangeFailure } from './container-protocol.js';
import type { AgentCall } from './function-spec.js';
import type { HotContainer } from './hot-container.js';
import { CallDeadlineError, type FunctionResponse } from './http-stream.js';
import { SharedLog } from './shared-log.js';
import type { SlotQueue } from './slot-queue.js';

/**
 * Runs one call in the container it was given: Fn's half-timeout rule, the call's log and stats,
 * the failure reasons, and the container's release (kept for the next call, or retired).
 * `deadline` is the call's, moved by its wait when it is a background call.
 */
export async function executeCall(
  q: SlotQueue,
  hc: HotContainer,
  call: AgentCall,
  deadline: number,
  obs: AgentObserver,
  releaseContainer: (q: SlotQueue, hc: HotContainer, keep: boolean) => void,
): Promise<CallResult> {
  const timeoutMs = q.spec.timeoutSecs * 1000;
  const remaining = deadline - Date.now();
  // Seed 004: a call left with under half its timeout is not started; it times out.
  if (remaining < timeoutMs / 2) {
    releaseContainer(q, hc, !q.protocol.oneShot);
    return notRun(Errors.CallTimeout.copy(), 'timeout');
  }
  const startedAt = Date.now();
  hc.lastCallAt = startedAt;
  hc.calls++;
  const sent = asSent(call, deadline, obs.callStarted(call, hc.container));
  const shared = hc.capacity > 1 ? SharedLog.of(hc.container) : undefined;
  if (shared) shared.add(sent);
  else
    void hc.container.setLogListener(sent.onLog ? (line, stream) => sent.onLog?.(line, stream) : undefined);
  let keep = false;
  let response: FunctionResponse | undefined;
  let error: unknown;
  let reason: CallReason | undefined;
  try {
    response = await hc.exchange.send(sent, remaining);
    keep = true;
  } catch (e) {
    if (e instanceof ExchangeFailure) {
      reason = e.reason;
      keep = e.keep;
      error = e.error;
    } else {
      reason = e instanceof CallDeadlineError ? 'timeout' : await exitReason(hc);
      error = e;
    }
  }
  const completedAt = Date.now();
  q.recordService(hc, completedAt - startedAt);
  keep = keep && !q.protocol.oneShot;
  const release = (): Promise<StatsPoint[] | undefined> => {
    // The answer came on the socket; the output comes through Docker and may still be on its way.
    const logsDone = shared ? shared.remove(sent) : hc.exchange.endLogs();
    const stats = obs.callEnded(call, hc.container, reason);
    releaseContainer(q, hc, keep);
    // Without stats (the default) one promise job, not Promise.all's: this runs on every call.
    if (stats === undefined) return logsDone.then(noStats, noStats);
    return Promise.all([logsDone.catch(noStats), stats]).then(([, s]) => s, noStats);
  };
  // A good answer goes out first: the log switch (a marker written through Docker) and the
  // hand-off follow on the next turn of the event loop, off the caller's critical path.
  const finished = keep
    ? new Promise<StatsPoint[] | undefined>((resolve) => setImmediate(() => resolve(release())))
    : release();
  const containerId = hc.container.dockerId;
  return response !== undefined
    ? { response, startedAt, completedAt, containerId, finished }
    : reason !== undefined
      ? { error, reason, startedAt, completedAt, containerId, finished }
      : { error, startedAt, completedAt, containerId, finished };
}

const noStats = (): undefined => undefined;

/**
 * The call as it is sent: the caller's own object unless its deadline moved or an observer added
 * headers or a log listener (Object.assign: properties after a spread take V8's slow path).
 */
function asSent(call: AgentCall, deadline: number, deco: CallDecoration | undefined): AgentCall {
  if (!deco && deadline === call.deadline) return call;
  const inner = call.onLog;
  const tee = deco?.onLog;
  return Object.assign({}, call, {
    deadline,
    headers: deco?.headers ? Object.assign({}, call.headers, deco.headers) : call.headers,
    onLog:
      tee && inner
        ? (line: string, stream?: 'stdout' | 'stderr') => {
            inner(line, stream);
            tee(line, stream);
          }
        : (tee ?? inner),
  });
}

/**
 * After a broken connection: an OOM kill is `killed`, any other end is `bad_exit`. The engine
 * reports the exit a moment after the socket broke; on a loaded machine that can take a second.
 */
async function exitReason(hc: HotContainer): Promise<'killed' | 'bad_exit'> {
  const exit =
    hc.exit ??
    (await Promise.race([
      hc.container.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000).unref()),
    ]));
  return exit?.oomKilled ? 'killed' : 'bad_exit';
}
