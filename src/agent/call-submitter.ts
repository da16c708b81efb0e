import type { CallResult } from './call-result.js';
import type { AgentCall } from './function-spec.js';

/** Anything that runs calls (the Agent); the invoke paths depend on this, not on the agent itself. */
export interface CallSubmitter {
  /** Never rejects: see Agent.submit. */
  submit(call: AgentCall): Promise<CallResult>;
}
