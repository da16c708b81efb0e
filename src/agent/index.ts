export { Agent, type AgentOptions, type AgentStats } from './agent.js';
export { type AgentObserver, type CallDecoration, noopObserver } from './agent-observer.js';
export { type CallResult, neverStarted } from './call-result.js';
export type { CallSubmitter } from './call-submitter.js';
export { EventLoopProbe, type LoadProbe } from './launch-policy.js';
export {
  type AgentCall,
  type FunctionSpec,
  containerEnv,
  reservedBytes,
  slotKeyOf,
  specFor,
} from './function-spec.js';
export type { FunctionResponse } from './http-stream.js';
export type {
  CallStatsRecorder,
  Container,
  ContainerExit,
  ContainerSpec,
  Driver,
  LogListener,
} from './drivers/index.js';
export { LogBuffer } from './log-buffer.js';
export { DockerDriver, type DockerDriverOptions } from './drivers/docker/index.js';
export { ChunkedBodyHeader, CLOUDEVENT_TYPE, legacyEnv, specForRoute } from './formats/index.js';
