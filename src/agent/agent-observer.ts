import type { Container } from './drivers/index.js';
import type { AgentCall, FunctionSpec } from './function-spec.js';

/**
 * What the agent reports while it works, for metrics, per-call statistics, syslog and traces
 * (src/telemetry). Every method runs on the invoke path: implementations must be cheap and must
 * never throw.
 */
export interface AgentObserver {
  /** A call entered the agent. */
  callSubmitted(call: AgentCall): void;
  /**
   * The call holds `container` and is about to be sent to it. The observer may wrap
   * `call.onLog` and add to `call.headers` (e.g. `traceparent`).
   */
  callStarted(call: AgentCall, container: Container): void;
  /** The exchange with the container is over (its late output lines may still arrive). */
  callEnded(call: AgentCall, container: Container): void;
  /** The call left the agent: answered (`err` undefined) or failed with `err`. */
  callFinished(call: AgentCall, err: unknown): void;
  /** A container for `spec` is ready; `startedAt` is when its start began (epoch ms). */
  containerStarted(spec: FunctionSpec, container: Container, startedAt: number): void;
  containerStartFailed(spec: FunctionSpec, err: unknown, startedAt: number): void;
}

export const noopObserver: AgentObserver = {
  callSubmitted() {},
  callStarted() {},
  callEnded() {},
  callFinished() {},
  containerStarted() {},
  containerStartFailed() {},
};
