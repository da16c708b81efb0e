import {
  type AgentCall,
  type CallResult,
  type CallSubmitter,
  type FunctionResponse,
  type FunctionSpec,
  LogBuffer,
} from '../agent/index.js';
import {
  ApiError,
  type App,
  type Call,
  callError,
  cutToBytes,
  Errors,
  formatTime,
  Limits,
  newId,
} from '../models/index.js';
import type { CallRecorder } from './call-recorder.js';
import type { HeaderMap } from './headers.js';

export interface RecordedRunOptions {
  agent: CallSubmitter;
  recorder: CallRecorder;
  maxLogSizeBytes: number;
  onError?: (err: unknown, callId: string) => void;
}

export interface RecordedRun {
  call: Call;
  spec: FunctionSpec;
  headers: HeaderMap;
  body: Buffer;
  /** Epoch ms: the call's timeout counts from its creation. */
  deadline: number;
}

/** What a sync call record says of its target: an fn (v2) or a route (v1). */
export type SyncCallTarget = Pick<
  Call,
  'fn_id' | 'trigger_id' | 'image' | 'format' | 'memory' | 'timeout' | 'idle_timeout'
> &
  Partial<Pick<Call, 'path' | 'cpus'>>;

/**
 * A new sync call's record, `running` from `created` (epoch ms). Written out field by field: an
 * object literal with properties after a spread takes V8's slow path (microseconds a call).
 */
export function newSyncCall(
  app: App,
  target: SyncCallTarget,
  method: string,
  url: string,
  created: number,
): Call {
  const call: Call = {
    id: newId(),
    status: 'running',
    app_id: app.id,
    app_name: app.name,
    fn_id: target.fn_id,
    trigger_id: target.trigger_id,
    image: target.image,
    format: target.format,
    memory: target.memory,
    timeout: target.timeout,
    idle_timeout: target.idle_timeout,
    type: 'sync',
    method,
    url: cutToBytes(url, Limits.MaxRecordedUrlBytes),
    created_at: formatTime(created),
  };
  if (target.path !== undefined) call.path = target.path;
  if (target.cpus !== undefined) call.cpus = target.cpus;
  return call;
}

/**
 * Runs a sync call on the agent and records it (status, times, error, stats and log) once its
 * last output lines are in, after the answer has gone out: the record never delays the caller.
 * Promise callbacks rather than async functions: each await costs the event loop promise jobs,
 * on every call.
 */
export function runRecorded(opts: RecordedRunOptions, run: RecordedRun): Promise<FunctionResponse> {
  const { call } = run;
  const log = new LogBuffer(opts.maxLogSizeBytes);
  const agentCall: AgentCall = {
    id: call.id,
    spec: run.spec,
    headers: run.headers,
    body: run.body,
    deadline: run.deadline,
    onLog: log.push,
  };
  return opts.agent.submit(agentCall).then((result) => {
    if (result.response) {
      finish(opts, call, result, log, 'success');
      return result.response;
    }
    const err = result.error;
    const apiErr = err instanceof ApiError ? err : Errors.InternalServerError.copy();
    if (!(err instanceof ApiError)) opts.onError?.(err, call.id);
    finish(opts, call, result, log, 'error', apiErr.message);
    throw apiErr;
  });
}

/** Records the call once its output is in (`result.finished`). */
function finish(
  opts: RecordedRunOptions,
  call: Call,
  result: CallResult,
  log: LogBuffer,
  status: 'success' | 'error',
  error?: string,
): void {
  const { startedAt, reason } = result;
  result.finished.then((stats) => {
    call.status = status;
    if (startedAt) call.started_at = formatTime(startedAt);
    const completed = result.completedAt ?? Date.now();
    call.completed_at = formatTime(completed);
    if (startedAt) call.execution_duration = (completed - startedAt) * 1e6;
    if (error) call.error = callError(error, reason);
    if (reason && status === 'error') call.reason = reason;
    if (stats && stats.length > 0) call.stats = stats;
    // A call that wrote nothing costs no log row; the log endpoint answers an empty log for it.
    opts.recorder.record(call, log.isEmpty ? undefined : log.toString());
  });
}
