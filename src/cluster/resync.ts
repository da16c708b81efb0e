export interface ResyncOptions {
  /** A pass at least this often (ms), whatever the edits. */
  everyMs: number;
  /** Passes asked for within this long (ms) make one. */
  debounceMs?: number;
  onError: (err: unknown) => void;
}

/**
 * How a node follows state that edits on any node change (min-hot pools, event sources): a pass
 * soon after each edit (edits close together make one), one at a time (a pass asked for during
 * another runs once after it), and one every `everyMs` in case a notice was lost.
 */
export class Resync {
  private timer: NodeJS.Timeout | undefined;
  private readonly periodic: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly opts: ResyncOptions,
  ) {
    this.periodic = setInterval(() => this.schedule(), opts.everyMs);
    this.periodic.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A pass soon. */
  schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, this.opts.debounceMs ?? 100);
  }

  /** A pass now, or the one running (then one more after it). */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.opts.onError(err))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.closed) {
          this.again = false;
          void this.sync();
        }
      });
    return this.running;
  }

  /** No more passes; resolves once the one running has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.periodic);
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
