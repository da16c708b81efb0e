export { type CallSubmitter, FormatAgent } from './format-agent.js';
export { StdioAgent, type StdioAgentOptions } from './stdio-agent.js';
export { legacyEnv, specForRoute } from './route-spec.js';
export { CLOUDEVENT_TYPE } from './protocols.js';
