import type { CallReason, StatsPoint } from '../models/index.js';
import type { CallResult } from './call-result.js';
import type { Container } from './drivers/index.js';
import type { AgentCall, FunctionSpec } from './function-spec.js';

/**
 * What an observer adds to a call as it starts: headers sent with it (e.g. `traceparent`) and a
 * listener of its output lines beside the caller's (syslog, the server's log).
 */
export interface CallDecoration {
  headers?: Record<string, string>;
  onLog?: (line: string, stream?: 'stdout' | 'stderr') => void;
}

/**
 * What the agent reports while it works, for metrics, per-call statistics, syslog and traces
 * (src/telemetry). Observers never write into a call: what they add is what they return. Every
 * method runs on the invoke path: implementations must be cheap and must never throw.
 */
export interface AgentObserver {
  /** A call entered the agent. */
  callSubmitted(call: AgentCall): void;
  /** The call holds `container` and is about to be sent to it. */
  callStarted(call: AgentCall, container: Container): CallDecoration | undefined;
  /**
   * The exchange with the container is over (its late output lines may still arrive), with the
   * reason when it failed. Answers the call's resource samples, or a promise of them when the
   * first sample of a fresh container is still on its way.
   */
  callEnded(
    call: AgentCall,
    container: Container,
    reason: CallReason | undefined,
  ): StatsPoint[] | Promise<StatsPoint[]> | undefined;
  /** The call left the agent: answered or failed, as `result` says. */
  callFinished(call: AgentCall, result: CallResult): void;
  /** A container for `spec` is ready; `startedAt` is when its start began (epoch ms). */
  containerStarted(spec: FunctionSpec, container: Container, startedAt: number): void;
  containerStartFailed(spec: FunctionSpec, err: unknown, startedAt: number): void;
}

export const noopObserver: AgentObserver = {
  callSubmitted() {},
  callStarted: () => undefined,
  callEnded: () => undefined,
  callFinished() {},
  containerStarted() {},
  containerStartFailed() {},
};
