import type { Exchange } from './container-protocol.js';
import type { Container, ContainerExit } from './drivers/index.js';

/** A started container with its exchange; serves up to `capacity` calls at once. */
export class HotContainer {
  /** Calls in the container now. */
  active = 0;
  dead = false;
  /** Takes no more calls (one of its calls failed); removed once its calls end. */
  draining = false;
  exit: ContainerExit | undefined;
  lastUsed = Date.now();
  /** When the newest of its current calls was sent (epoch ms). */
  lastCallAt = 0;
  calls = 0;
  /** Average time of its calls after the first (ms); 0 until it has one. */
  serviceMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly container: Container,
    readonly memoryBytes: number,
    readonly exchange: Exchange,
    readonly capacity: number,
  ) {}

  get busy(): boolean {
    return this.active > 0;
  }

  get full(): boolean {
    return this.active >= this.capacity;
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
    this.exchange.close();
    await this.container.remove();
  }
}
