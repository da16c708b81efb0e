import type { Logger } from 'pino';
import type { Agent, AgentObserver, Driver } from '../agent/index.js';
import { type CallSubmitter, FormatAgent, StdioAgent } from '../agent/formats/index.js';
import type { AgentConfig } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import { type CallRecorder, type LookupCache, V1InvokeService, v1InvokeRoutes } from '../invoke/index.js';
import type { AsyncCalls } from '../runner/index.js';
import type { ServerPlugin } from '../server/index.js';
import { v1Api } from '../server/v1/index.js';

/** [V1] The legacy-format runtime of a node that runs functions. */
export interface V1Runtime {
  /** Runs every format: http-stream on the agent, the legacy ones on the StdioAgent. */
  agent: CallSubmitter;
  close(): Promise<void>;
}

export function createV1Runtime(opts: {
  driver: Driver;
  agent: Agent;
  config: AgentConfig;
  logger: Logger;
  observer?: AgentObserver | undefined;
}): V1Runtime {
  const stdio = new StdioAgent({
    tracker: opts.agent.resources,
    ...(opts.observer ? { observer: opts.observer } : {}),
    driver: opts.driver,
    config: opts.config,
    onError: (err, context) => opts.logger.error({ err }, `stdio agent: ${context} failed`),
  });
  return { agent: new FormatAgent(opts.agent, stdio), close: () => stdio.close() };
}

/** [V1] `/v1` always; `/r` when this node runs functions. */
export function v1Plugins(opts: {
  datastore: Datastore;
  maxRequestSize: number;
  maxLogSizeBytes: number;
  logger: Logger;
  runtime?: V1Runtime | undefined;
  recorder?: CallRecorder | undefined;
  cache: LookupCache;
  asyncCalls?: AsyncCalls | undefined;
}): ServerPlugin[] {
  const plugins: ServerPlugin[] = [
    { plugin: v1Api, options: { datastore: opts.datastore, maxRequestSize: opts.maxRequestSize } },
  ];
  if (opts.runtime && opts.recorder) {
    plugins.push({
      plugin: v1InvokeRoutes,
      options: {
        cache: opts.cache,
        datastore: opts.datastore,
        maxRequestSize: opts.maxRequestSize,
        ...(opts.asyncCalls ? { async: opts.asyncCalls } : {}),
        service: new V1InvokeService({
          agent: opts.runtime.agent,
          recorder: opts.recorder,
          maxLogSizeBytes: opts.maxLogSizeBytes,
          onError: (err, callId) => opts.logger.error({ err, call_id: callId }, 'call failed'),
        }),
      },
    });
  }
  return plugins;
}
