import { errContainerExit } from '../../models/index.js';
import { type ContainerProtocol, type Exchange, ExchangeFailure } from '../container-protocol.js';
import type { Container } from '../drivers/index.js';
import type { AgentCall, FunctionSpec } from '../function-spec.js';
import { CallDeadlineError, type FunctionResponse } from '../http-stream.js';
import { callRequest, coldCallEnv } from './call-request.js';
import { protocolFor, type StdioProtocol } from './protocols.js';
import { legacyEnv } from './route-spec.js';
import { StdoutReader } from './stdout-reader.js';

const labelsOf = (spec: FunctionSpec) => ({ 'fnode.app_id': spec.appId, 'fnode.route': spec.path ?? '' });

/** Runs `work` with an AbortSignal that fires after `timeoutMs`. */
async function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, timeoutMs));
  try {
    return await work(abort.signal);
  } catch (e) {
    if (abort.signal.aborted) throw new CallDeadlineError();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * [V1] The legacy formats over stdin/stdout (fn-contract §4.6): `http`, `json` and `cloudevent`
 * keep hot containers that take one framed call after the other; `default` starts a container
 * per call (body on stdin, stdout is the answer). One call at a time per container.
 */
export function stdioProtocol(format: string, maxResponseSize: number): ContainerProtocol {
  const framing = protocolFor(format);
  if (!framing) {
    return {
      oneShot: true,
      capacity: () => 1,
      containerOptions: (spec, call) => ({
        env: { ...legacyEnv(spec), ...(call ? coldCallEnv(call, callRequest(call)) : {}) },
        labels: labelsOf(spec),
        stdio: true,
        oneShot: true,
      }),
      open: (container) => new OneShotExchange(container, maxResponseSize),
    };
  }
  return {
    oneShot: false,
    capacity: () => 1,
    containerOptions: (spec) => ({ env: legacyEnv(spec), labels: labelsOf(spec), stdio: true }),
    open: (container) => new FramedExchange(container, framing, maxResponseSize),
  };
}

class FramedExchange implements Exchange {
  private readonly out: StdoutReader;

  constructor(
    private readonly container: Container,
    private readonly framing: StdioProtocol,
    maxResponseSize: number,
  ) {
    this.out = new StdoutReader(container.stdout!, maxResponseSize);
  }

  send(call: AgentCall, timeoutMs: number): Promise<FunctionResponse> {
    return withDeadline(timeoutMs, (signal) => {
      const req = callRequest(call);
      this.framing.write(this.container.stdin!, call, req);
      return this.framing.read(this.out, signal, call, req);
    }).catch(async (err: unknown) => {
      if (err instanceof CallDeadlineError || err instanceof ExchangeFailure) throw err;
      // The process exited mid-call: Fn answers with its exit code.
      const exit = await Promise.race([
        this.container.exited,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 500).unref()),
      ]);
      if (!exit || exit.exitCode === 0) throw err;
      throw new ExchangeFailure(
        errContainerExit(exit.exitCode),
        exit.oomKilled ? 'killed' : 'bad_exit',
        false,
      );
    });
  }

  endLogs(): Promise<void> {
    return this.container.setLogListener(undefined);
  }

  close(): void {}
}

class OneShotExchange implements Exchange {
  private readonly out: StdoutReader;

  constructor(
    private readonly container: Container,
    maxResponseSize: number,
  ) {
    this.out = new StdoutReader(container.stdout!, maxResponseSize);
  }

  send(call: AgentCall, timeoutMs: number): Promise<FunctionResponse> {
    return withDeadline(timeoutMs, async (signal) => {
      this.container.stdin!.end(call.body);
      const body = await this.out.readToEnd(signal);
      const exit = await Promise.race([
        this.container.exited,
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(new CallDeadlineError()), { once: true }),
        ),
      ]);
      if (exit.exitCode !== 0) {
        throw new ExchangeFailure(
          errContainerExit(exit.exitCode),
          exit.oomKilled ? 'killed' : 'bad_exit',
          false,
        );
      }
      return { status: 200, headers: {}, body };
    });
  }

  /** A one-shot container's log is complete once its output has ended. */
  async endLogs(): Promise<void> {
    const ended = (this.container as { outputEnded?: (ms: number) => Promise<void> }).outputEnded;
    if (ended) await ended.call(this.container, 1000);
    await this.container.setLogListener(undefined);
  }

  close(): void {}
}
