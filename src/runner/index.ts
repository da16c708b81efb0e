export { type AsyncRequest, ASYNC, newAsyncCall, callBody, followUpCall } from './async-call.js';
export {
  AsyncCalls,
  type AsyncCallsOptions,
  errCallNotCancellable,
  errCallNotDeadLettered,
} from './async-calls.js';
export { AsyncRunner, type AsyncRunnerOptions } from './async-runner.js';
export { AsyncAnnotations, type AsyncSettings, asyncSettings, retryDelayMs } from './async-settings.js';
export { CallExecutor, type CallExecutorOptions } from './call-executor.js';
export { reconcileQueue } from './reconcile.js';
export { CallPruner, type CallPrunerOptions, type PruneResult } from './call-pruner.js';
