import type { MessageQueue } from '../queue/message-queue.js';
import type { CallExecutor } from './call-executor.js';

export interface AsyncRunnerOptions {
  queue: MessageQueue;
  executor: Pick<CallExecutor, 'execute'>;
  /** How many calls the agent could start now (see Agent.roomFor). */
  room: () => number;
  /** Async calls in flight at most. */
  concurrency: number;
  /** Sleep between looks at an empty queue; `wake()` cuts it short. */
  pollMs: number;
  /** After a call was put back for want of room: how long to hold off at most (a call's end ends it). */
  holdMs: number;
  /** Visibility of a fresh reservation until the executor extends it to the call's timeout. */
  reserveVisibilityMs: number;
  onError?: (err: unknown, context: string) => void;
}

/**
 * The async runner loop: reserves jobs while the agent has room (so queue priorities decide what
 * runs next), runs each through the executor, and waits for a push, a finished call or the poll
 * interval when there is nothing to do.
 */
export class AsyncRunner {
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  /** Reserved calls not yet handed to the agent: they will take room that room() still shows. */
  private preparing = 0;
  /** A call found no room: reserve nothing more until one of ours ends or this time (epoch ms). */
  private holdUntil = 0;

  constructor(private readonly opts: AsyncRunnerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Something was pushed or capacity freed: look at the queue now. */
  readonly wake = (): void => {
    this.woken = true;
    this.wakeUp?.();
  };

  get active(): number {
    return this.inflight.size;
  }

  /** Stops reserving, then waits for the calls already taken. */
  async close(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const held = this.holdUntil - Date.now();
      if (held > 0) {
        await this.sleep(held);
        continue;
      }
      if (this.inflight.size >= this.opts.concurrency || this.opts.room() <= this.preparing) {
        await this.sleep(this.opts.pollMs);
        continue;
      }
      let r: Awaited<ReturnType<MessageQueue['reserve']>>;
      try {
        r = await this.opts.queue.reserve(this.opts.reserveVisibilityMs);
      } catch (err) {
        this.opts.onError?.(err, 'queue reserve');
        await this.sleep(this.opts.pollMs * 10);
        continue;
      }
      if (!r) {
        await this.sleep(this.opts.pollMs);
        continue;
      }
      this.preparing++;
      let placed = false;
      const onPlaced = () => {
        if (placed) return;
        placed = true;
        this.preparing--;
      };
      const p: Promise<void> = this.opts.executor.execute(r, onPlaced).then(
        (outcome) => {
          onPlaced();
          this.inflight.delete(p);
          // Put back for want of room: reserve nothing more until a call ends and frees some.
          if (outcome === 'postponed') this.holdUntil = Date.now() + this.opts.holdMs;
          else this.release();
        },
        (err: unknown) => {
          this.opts.onError?.(err, `async call ${r.job.id}`);
          onPlaced();
          this.inflight.delete(p);
          this.release();
        },
      );
      this.inflight.add(p);
    }
  }

  /** A call ended: its room is free again. */
  private release(): void {
    this.holdUntil = 0;
    this.wake();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        this.woken = false;
        done();
      };
    });
  }
}
