import type { Container, ContainerExit } from './drivers/index.js';
import { HttpStreamClient } from './http-stream.js';

/** A started container with its kept-alive connection; serves one call at a time. */
export class HotContainer {
  readonly client: HttpStreamClient;
  busy = false;
  dead = false;
  exit: ContainerExit | undefined;
  lastUsed = Date.now();
  calls = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly container: Container,
    readonly memoryBytes: number,
  ) {
    this.client = new HttpStreamClient(container.socketPath);
  }

  /** Starts the idle clock; `onIdle` runs if nobody uses the container before it ends. */
  armIdle(ms: number, onIdle: () => void): void {
    this.disarmIdle();
    this.idleTimer = setTimeout(onIdle, ms);
    this.idleTimer.unref();
  }

  disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  async destroy(): Promise<void> {
    this.dead = true;
    this.disarmIdle();
    this.client.close();
    await this.container.remove();
  }
}
