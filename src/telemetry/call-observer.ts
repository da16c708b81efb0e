import type { Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type {
  AgentCall,
  AgentObserver,
  CallDecoration,
  CallResult,
  Container,
  FunctionSpec,
} from '../agent/index.js';
import type { CallReason, StatsPoint } from '../models/index.js';
import type { CallRollup } from './call-rollup.js';
import { type FnMetrics, outcomeOf } from './metrics.js';
import type { ContainerSyslog, SyslogHub } from './syslog/container-syslog.js';
import type { Tracing } from './tracing.js';

export interface TelemetryObserverOptions {
  metrics?: FnMetrics | undefined;
  syslog?: SyslogHub | undefined;
  tracing?: Tracing | undefined;
  /** Function output lines go here at debug level, with `call_id` (Fn's `user_log`). */
  logger?: Logger | undefined;
  /** The last hour of calls per fn, for the dashboard's overview (`GET /v2/stats`). */
  rollup?: CallRollup | undefined;
  /** How long a call's record may wait for the first stats sample of a fresh container. */
  statsWaitMs?: number;
}

/**
 * The agent's observer for issue 6: metrics, per-call statistics (seed 001), syslog (seed 000),
 * traces and user log lines. With everything off each hook is a few property checks.
 */
export class TelemetryObserver implements AgentObserver {
  private readonly syslogs = new WeakMap<Container, ContainerSyslog>();
  private readonly spans = new WeakMap<AgentCall, Span>();
  private readonly statsWaitMs: number;

  constructor(private readonly opts: TelemetryObserverOptions) {
    this.statsWaitMs = opts.statsWaitMs ?? 2000;
  }

  callSubmitted(): void {
    this.opts.metrics?.callSubmitted();
  }

  callStarted(call: AgentCall, container: Container): CallDecoration | undefined {
    container.stats?.begin();
    const sys = this.syslogs.get(container);
    const log = this.opts.logger?.isLevelEnabled('debug') ? this.opts.logger : undefined;
    const onLog = sys || log ? this.logTee(call, sys, log) : undefined;
    const tracing = this.opts.tracing;
    if (!tracing) return onLog ? { onLog } : undefined;
    const { api } = tracing;
    const attributes = { 'fn.call_id': call.id, 'fn.app_id': call.spec.appId, 'fn.fn_id': call.spec.fnId };
    tracing.start('fnode placement', { startTime: submittedAt(call), attributes }).end();
    // Object.assign, not `{ ...a, k: v }`: properties after a spread take V8's slow path.
    const span = tracing.start('fnode call', {
      kind: api.SpanKind.CLIENT,
      attributes: Object.assign({}, attributes, { 'container.id': container.dockerId }),
    });
    this.spans.set(call, span);
    const headers = { traceparent: tracing.traceparent(span) };
    return onLog ? { headers, onLog } : { headers };
  }

  callEnded(
    call: AgentCall,
    container: Container,
    reason: CallReason | undefined,
  ): StatsPoint[] | Promise<StatsPoint[]> | undefined {
    const span = this.spans.get(call);
    if (span) {
      this.spans.delete(call);
      if (reason) {
        span.setAttribute('fn.error.reason', reason);
        span.setStatus({ code: this.opts.tracing?.api.SpanStatusCode.ERROR ?? 2 });
      }
      span.end();
    }
    // A fresh container's first sample may still be on its way: only the record waits for it.
    return container.stats?.end(this.statsWaitMs);
  }

  callFinished(call: AgentCall, result: CallResult): void {
    const m = this.opts.metrics;
    const rollup = this.opts.rollup;
    if (!m && !rollup) return;
    const { startedAt, completedAt } = result;
    const queueMs = startedAt !== undefined ? startedAt - submittedAt(call) : undefined;
    const execMs = startedAt !== undefined && completedAt !== undefined ? completedAt - startedAt : undefined;
    rollup?.record(call.spec, outcomeOf(result.error) !== 'success', execMs);
    m?.callFinished(call.spec, result.error, queueMs, execMs);
  }

  containerStarted(spec: FunctionSpec, container: Container, startedAt: number): void {
    this.opts.metrics?.containerStarted(spec, Date.now() - startedAt, true);
    const rollup = this.opts.rollup;
    if (rollup) {
      rollup.hot(spec, 1);
      void container.exited.then(() => rollup.hot(spec, -1));
    }
    const hub = this.opts.syslog;
    if (hub && spec.syslogUrl) {
      const sys = hub.open(spec.syslogUrl, spec.fnId, spec.appId);
      this.syslogs.set(container, sys);
      // Lines between calls (or after a call's drain limit) still reach syslog, without call id.
      container.setIdleLogListener?.((line, stream) => sys.write('', line, stream));
      void container.exited.then(() => sys.close());
    }
    this.opts.tracing
      ?.start('fnode container start', {
        startTime: startedAt,
        attributes: { 'fn.app_id': spec.appId, 'fn.fn_id': spec.fnId, 'container.image.name': spec.image },
      })
      .end();
  }

  containerStartFailed(spec: FunctionSpec, err: unknown, startedAt: number): void {
    this.opts.metrics?.containerStarted(spec, Date.now() - startedAt, false);
    const tracing = this.opts.tracing;
    if (tracing) {
      const span = tracing.start('fnode container start', {
        startTime: startedAt,
        attributes: { 'fn.app_id': spec.appId, 'fn.fn_id': spec.fnId, 'container.image.name': spec.image },
      });
      span.setStatus({ code: tracing.api.SpanStatusCode.ERROR, message: String(err) });
      span.end();
    }
  }

  /** The call's lines to syslog (with its id) and to the server's log at debug level. */
  private logTee(
    call: AgentCall,
    sys: ContainerSyslog | undefined,
    log: Logger | undefined,
  ): (line: string, stream?: 'stdout' | 'stderr') => void {
    const id = call.id;
    const fields = log
      ? { user_log: true, app_id: call.spec.appId, fn_id: call.spec.fnId, call_id: id }
      : undefined;
    return (line, stream) => {
      sys?.write(id, line, stream);
      if (log) log.debug(stream ? Object.assign({}, fields, { stream }) : fields, line);
    };
  }
}

/** When the call was submitted: its deadline minus its timeout (the timeout starts at submit). */
function submittedAt(call: AgentCall): number {
  return call.deadline - call.spec.timeoutSecs * 1000;
}
