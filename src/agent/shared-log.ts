import type { Container } from './drivers/index.js';
import type { AgentCall } from './function-spec.js';

/**
 * How long a call that ended still gets the container's lines: a line written just before the
 * answer comes through Docker's log stream after it, and on a loaded machine 20 ms was seen too
 * short (1 run in 7). Only the record waits for it, never the answer.
 */
const LINGER_MS = 100;

const logs = new WeakMap<Container, SharedLog>();

/**
 * The output of a container that serves several calls at once (`fnode.io/max-concurrency`):
 * nothing in a line says which call wrote it, so every line goes to each call in the container
 * when it arrives (and for LINGER_MS after a call's answer). A call's log thus holds all its own
 * lines, and may hold lines of the calls that overlapped it.
 */
export class SharedLog {
  private readonly calls = new Set<AgentCall>();

  private constructor(container: Container) {
    void container.setLogListener((line, stream) => {
      for (const call of this.calls) call.onLog?.(line, stream);
    });
  }

  static of(container: Container): SharedLog {
    let log = logs.get(container);
    if (!log) {
      log = new SharedLog(container);
      logs.set(container, log);
    }
    return log;
  }

  add(call: AgentCall): void {
    this.calls.add(call);
  }

  /** Resolves once the call stopped taking lines. */
  remove(call: AgentCall): Promise<void> {
    return new Promise((resolve) =>
      setTimeout(() => {
        this.calls.delete(call);
        resolve();
      }, LINGER_MS),
    );
  }
}
