import { randomUUID } from 'node:crypto';
import type { AgentConfig } from '../../config/index.js';
import { ApiError, Errors } from '../../models/index.js';
import type { Container, Driver } from '../drivers/index.js';
import { type AgentObserver, noopObserver } from '../agent-observer.js';
import { type AgentCall, type FunctionSpec, reservedBytes } from '../function-spec.js';
import { CallDeadlineError, type FunctionResponse } from '../http-stream.js';
import { ResourceTracker } from '../resource-tracker.js';
import { callRequest, coldCallEnv } from './call-request.js';
import { protocolFor } from './protocols.js';
import { legacyEnv } from './route-spec.js';
import { StdoutReader } from './stdout-reader.js';

export interface StdioAgentOptions {
  driver: Driver;
  config: AgentConfig;
  /** Memory shared with the http-stream agent; default: a tracker of its own. */
  tracker?: ResourceTracker;
  onError?: (err: unknown, context: string) => void;
  /** Telemetry hooks, as the http-stream agent's (metrics, syslog, traces). */
  observer?: AgentObserver;
}

/** A hot stdio container: one call at a time, its stdout read across calls. */
interface HotStdio {
  container: Container;
  out: StdoutReader;
  bytes: number;
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

/**
 * [V1] Runs the legacy formats over stdin/stdout (fn-contract §4.6): `default` starts a container
 * per call (body on stdin, stdout is the answer), `http`, `json` and `cloudevent` keep hot
 * containers per spec that take one framed call after the other.
 */
export class StdioAgent {
  private readonly tracker: ResourceTracker;
  private readonly idle = new Map<string, HotStdio[]>();
  private readonly all = new Set<HotStdio>();
  private closing = false;

  private readonly obs: AgentObserver;

  constructor(private readonly opts: StdioAgentOptions) {
    this.obs = opts.observer ?? noopObserver;
    this.tracker = opts.tracker ?? new ResourceTracker(opts.config.maxTotalMemoryBytes);
    this.tracker.addEvictor((bytes, exceptKey) => this.evictIdle(bytes, exceptKey));
  }

  async submit(call: AgentCall): Promise<FunctionResponse> {
    if (this.closing) throw Errors.CallTimeoutServerBusy.copy();
    const bytes = reservedBytes(call.spec);
    if (!this.tracker.fits(bytes)) throw Errors.CallResourceTooBig.copy();
    this.obs.callSubmitted(call);
    try {
      const res = await this.run(call, bytes);
      this.obs.callFinished(call, undefined);
      return res;
    } catch (err) {
      this.obs.callFinished(call, err);
      throw err;
    }
  }

  private async run(call: AgentCall, bytes: number): Promise<FunctionResponse> {
    const format = call.spec.format ?? 'default';
    const protocol = protocolFor(format);
    if (!protocol) return this.runCold(call, bytes);
    const hot = this.takeIdle(call.spec) ?? (await this.startHot(call, bytes));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, call.deadline - Date.now()));
    call.startedAt = Date.now();
    call.containerId = hot.container.dockerId;
    this.obs.callStarted(call, hot.container);
    void hot.container.setLogListener(call.onLog ? (line) => call.onLog?.(line, 'stderr') : undefined);
    let keep = false;
    try {
      const req = callRequest(call);
      protocol.write(hot.container.stdin!, call, req);
      const res = await protocol.read(hot.out, abort.signal, call, req);
      keep = true;
      return res;
    } catch (e) {
      call.reason = e instanceof CallDeadlineError ? 'timeout' : await this.exitReason(hot.container);
      throw e;
    } finally {
      clearTimeout(timer);
      call.completedAt = Date.now();
      call.logsDone = hot.container.setLogListener(undefined);
      this.obs.callEnded(call, hot.container);
      if (keep && !this.closing) this.park(call.spec, hot);
      else void this.retire(hot);
    }
  }

  /** Removes every container (idle ones at once; busy ones as their calls end). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.all].map((h) => this.retire(h)));
  }

  private async runCold(call: AgentCall, bytes: number): Promise<FunctionResponse> {
    await this.reserve(bytes, call.deadline);
    let container: Container | undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, call.deadline - Date.now()));
    try {
      const req = callRequest(call);
      container = await this.start(
        call.spec,
        { ...legacyEnv(call.spec), ...coldCallEnv(call, req) },
        abort.signal,
        true,
      );
      const out = new StdoutReader(container.stdout!, this.opts.config.maxResponseSize);
      call.startedAt = Date.now();
      call.containerId = container.dockerId;
      this.obs.callStarted(call, container);
      if (call.onLog) void container.setLogListener((line) => call.onLog?.(line, 'stderr'));
      container.stdin!.end(call.body);
      const body = await out.readToEnd(abort.signal);
      const exit = await Promise.race([
        container.exited,
        new Promise<never>((_, reject) =>
          abort.signal.addEventListener('abort', () => reject(new CallDeadlineError()), { once: true }),
        ),
      ]);
      if (exit.exitCode !== 0) {
        call.reason = exit.oomKilled ? 'killed' : 'bad_exit';
        throw Errors.FunctionResponse.copy();
      }
      return { status: 200, headers: {}, body };
    } catch (e) {
      if (e instanceof CallDeadlineError || abort.signal.aborted) {
        call.reason = 'timeout';
        throw e instanceof ApiError ? e : new CallDeadlineError();
      }
      if (!call.reason && container) call.reason = await this.exitReason(container);
      throw e;
    } finally {
      clearTimeout(timer);
      call.completedAt = Date.now();
      const c = container;
      if (c) {
        // A cold container's log is complete once its output has ended.
        const ended = (c as { outputEnded?: (ms: number) => Promise<void> }).outputEnded;
        call.logsDone = (ended ? ended.call(c, 1000) : Promise.resolve()).then(() =>
          c.setLogListener(undefined),
        );
        this.obs.callEnded(call, c);
        void c
          .remove()
          .catch((err: unknown) => this.opts.onError?.(err, 'container removal'))
          .finally(() => this.tracker.release(bytes));
      } else this.tracker.release(bytes);
    }
  }

  private async startHot(call: AgentCall, bytes: number): Promise<HotStdio> {
    await this.reserve(bytes, call.deadline, call.spec);
    try {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), Math.max(0, call.deadline - Date.now()));
      try {
        const container = await this.start(call.spec, legacyEnv(call.spec), abort.signal);
        const hot: HotStdio = {
          container,
          out: new StdoutReader(container.stdout!, this.opts.config.maxResponseSize),
          bytes,
          dead: false,
        };
        this.all.add(hot);
        void container.exited.then(() => {
          if (this.isIdle(hot)) void this.retire(hot);
        });
        return hot;
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      this.tracker.release(bytes);
      if (e instanceof ApiError) throw e;
      if (call.deadline <= Date.now()) throw Errors.CallTimeout.copy();
      this.opts.onError?.(e, 'container start');
      throw Errors.ContainerInitFail.copy();
    }
  }

  private async start(
    spec: FunctionSpec,
    env: Record<string, string>,
    signal: AbortSignal,
    oneShot = false,
  ): Promise<Container> {
    const startedAt = Date.now();
    try {
      const container = await this.opts.driver.start(
        {
          id: randomUUID(),
          image: spec.image,
          memoryMB: spec.memoryMB,
          cpus: spec.cpus,
          env,
          labels: { 'fnode.app_id': spec.appId, 'fnode.route': spec.path ?? '' },
          startTimeoutMs: this.opts.config.hotStartTimeoutMsecs,
          stdio: true,
          oneShot,
          ...(spec.tmpfsSizeMB ? { tmpfsSizeMB: spec.tmpfsSizeMB } : {}),
        },
        signal,
      );
      this.obs.containerStarted(spec, container, startedAt);
      return container;
    } catch (err) {
      this.obs.containerStartFailed(spec, err, startedAt);
      throw err;
    }
  }

  /** Waits for memory until the deadline, evicting idle containers of other specs (any agent's). */
  private async reserve(bytes: number, deadline: number, spec?: FunctionSpec): Promise<void> {
    while (!this.tracker.tryReserve(bytes)) {
      // Evicted containers give their memory back once removed: wait for that release too.
      this.tracker.evictIdleFor(bytes, spec?.slotKey);
      const left = deadline - Date.now();
      if (left <= 0) throw Errors.CallTimeoutServerBusy.copy();
      await new Promise<void>((resolve) => {
        const off = this.tracker.onRelease(() => {
          off();
          clearTimeout(t);
          resolve();
        });
        const t = setTimeout(() => {
          off();
          resolve();
        }, left);
      });
    }
  }

  /** Retires idle containers of other specs, oldest first in each (an IdleEvictor). */
  private evictIdle(bytes: number, exceptKey: string | undefined): number {
    let freed = 0;
    for (const [key, list] of this.idle) {
      if (key === exceptKey) continue;
      for (let h = list.shift(); h; h = freed < bytes ? list.shift() : undefined) {
        freed += h.bytes;
        void this.retire(h);
      }
      if (freed >= bytes) break;
    }
    return freed;
  }

  private takeIdle(spec: FunctionSpec): HotStdio | undefined {
    const list = this.idle.get(spec.slotKey);
    const h = list?.pop();
    if (h?.idleTimer) clearTimeout(h.idleTimer);
    return h;
  }

  private isIdle(h: HotStdio): boolean {
    for (const list of this.idle.values()) if (list.includes(h)) return true;
    return false;
  }

  private park(spec: FunctionSpec, h: HotStdio): void {
    if (h.dead) return;
    let list = this.idle.get(spec.slotKey);
    if (!list) {
      list = [];
      this.idle.set(spec.slotKey, list);
    }
    list.push(h);
    h.idleTimer = setTimeout(() => void this.retire(h), spec.idleTimeoutSecs * 1000);
    h.idleTimer.unref();
  }

  private async retire(h: HotStdio): Promise<void> {
    if (h.dead) return;
    h.dead = true;
    if (h.idleTimer) clearTimeout(h.idleTimer);
    for (const [key, list] of this.idle) {
      const i = list.indexOf(h);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.idle.delete(key);
    }
    this.all.delete(h);
    try {
      await h.container.remove();
    } catch (err) {
      this.opts.onError?.(err, 'container removal');
    } finally {
      this.tracker.release(h.bytes);
    }
  }

  private async exitReason(c: Container): Promise<'killed' | 'bad_exit'> {
    const exit = await Promise.race([
      c.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 500).unref()),
    ]);
    return exit?.oomKilled ? 'killed' : 'bad_exit';
  }
}
