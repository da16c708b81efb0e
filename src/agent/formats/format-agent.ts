import type { AgentCall } from '../function-spec.js';
import type { FunctionResponse } from '../http-stream.js';
import type { StdioAgent } from './stdio-agent.js';

/** Anything that runs calls: the http-stream Agent, the StdioAgent. */
export interface CallSubmitter {
  submit(call: AgentCall): Promise<FunctionResponse>;
}

/** [V1] Sends http-stream calls (every v2 call) to the agent and legacy formats to the StdioAgent. */
export class FormatAgent implements CallSubmitter {
  constructor(
    private readonly agent: CallSubmitter,
    private readonly stdio: StdioAgent,
  ) {}

  submit(call: AgentCall): Promise<FunctionResponse> {
    const format = call.spec.format;
    if (format === undefined || format === 'http-stream') return this.agent.submit(call);
    return this.stdio.submit(call);
  }
}
