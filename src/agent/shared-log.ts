import type { Container } from './drivers/index.js';
import type { AgentCall } from './function-spec.js';

/** How long a call that ended still gets the container's lines (late lines, as with one call at a time). */
const LINGER_MS = 20;

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
