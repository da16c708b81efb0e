import type { Logger } from 'pino';
import type { CallSubmitter } from '../agent/index.js';
import type { Datastore } from '../datastore/index.js';
import type { CallRecorder, LookupCache } from '../invoke/index.js';
import { V1InvokeService } from './v1-invoke-service.js';
import { v1InvokeRoutes } from './v1-routes.js';
import type { AsyncCalls } from '../runner/index.js';
import type { ServerPlugin } from '../server/index.js';
import { v1Api } from './v1-api.js';

/** [V1] `/v1` always; `/r` when this node runs functions. */
export function v1Plugins(opts: {
  datastore: Datastore;
  maxRequestSize: number;
  maxLogSizeBytes: number;
  logger: Logger;
  /** The agent, when this node runs functions (it runs every format). */
  agent?: CallSubmitter | undefined;
  recorder?: CallRecorder | undefined;
  cache: LookupCache;
  asyncCalls?: AsyncCalls | undefined;
}): ServerPlugin[] {
  const plugins: ServerPlugin[] = [
    { plugin: v1Api, options: { datastore: opts.datastore, maxRequestSize: opts.maxRequestSize } },
  ];
  if (opts.agent && opts.recorder) {
    plugins.push({
      plugin: v1InvokeRoutes,
      options: {
        cache: opts.cache,
        datastore: opts.datastore,
        maxRequestSize: opts.maxRequestSize,
        ...(opts.asyncCalls ? { async: opts.asyncCalls } : {}),
        service: new V1InvokeService({
          agent: opts.agent,
          recorder: opts.recorder,
          maxLogSizeBytes: opts.maxLogSizeBytes,
          onError: (err, callId) => opts.logger.error({ err, call_id: callId }, 'call failed'),
        }),
      },
    });
  }
  return plugins;
}
