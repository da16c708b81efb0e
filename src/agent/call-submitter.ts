import type { AgentCall } from './function-spec.js';
import type { FunctionResponse } from './http-stream.js';

/** Anything that runs calls (the Agent); the invoke paths depend on this, not on the agent itself. */
export interface CallSubmitter {
  submit(call: AgentCall): Promise<FunctionResponse>;
}
