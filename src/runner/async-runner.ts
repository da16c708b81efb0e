import type { MessageQueue, Reservation } from '../queue/index.js';
import type { CallExecutor } from './call-executor.js';

export interface AsyncRunnerOptions {
  queue: MessageQueue;
  executor: Pick<CallExecutor, 'executeAll'>;
  /** How many calls the agent could take now (see Agent.roomFor). */
  room: () => number;
  /** Async calls in flight at most; 0 = as many as the agent has room for. */
  concurrency: number;
  /** Sleep between looks at an empty queue; `wake()` cuts it short. */
  pollMs: number;
  /** After a call was put back for want of room: how long to hold off at most (a call's end ends it). */
  holdMs: number;
  /** Visibility of a reservation: the lease, which the executor renews while the call runs. */
  reserveVisibilityMs: number;
  onError?: (err: unknown, context: string) => void;
}

/** Reservations taken in one round trip at most. */
const MAX_BATCH = 64;

/**
 * The async runner loop: reserves jobs, several at a time, while the agent has room (so queue
 * priorities decide what runs next and calls wait in the queue rather than in the agent), runs
 * them through the executor, and waits for a push, a finished call or the poll interval when
 * there is nothing to do.
 */
export class AsyncRunner {
  private readonly inflight = new Set<Promise<unknown>>();
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

  /** Calls taken from the queue and not yet ended. */
  get active(): number {
    return this.inflight.size;
  }

  /** Stops reserving: a call due from now on stays in the queue for another node or the next start. */
  async stopTaking(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  /** Resolves once every call taken has ended. */
  async drained(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops reserving, then waits for the calls already taken. */
  async close(): Promise<void> {
    await this.stopTaking();
    await this.drained();
  }

  /** How many calls to reserve now. */
  private wanted(): number {
    const cap = this.opts.concurrency > 0 ? this.opts.concurrency - this.inflight.size : MAX_BATCH;
    return Math.min(MAX_BATCH, cap, this.opts.room() - this.preparing);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const held = this.holdUntil - Date.now();
      if (held > 0) {
        await this.sleep(held);
        continue;
      }
      const n = this.wanted();
      if (n <= 0) {
        await this.sleep(this.opts.pollMs);
        continue;
      }
      let rs: Reservation[];
      try {
        rs = await this.opts.queue.reserveMany(n, this.opts.reserveVisibilityMs);
      } catch (err) {
        this.opts.onError?.(err, 'queue reserve');
        await this.sleep(this.opts.pollMs * 10);
        continue;
      }
      if (rs.length === 0) {
        await this.sleep(this.opts.pollMs);
        continue;
      }
      this.runAll(rs);
    }
  }

  private runAll(rs: Reservation[]): void {
    this.preparing += rs.length;
    const placed = new Set<Reservation>();
    const onPlaced = (r: Reservation) => {
      if (placed.has(r)) return;
      placed.add(r);
      this.preparing--;
    };
    for (const [i, p] of this.opts.executor.executeAll(rs, onPlaced).entries()) {
      const r = rs[i]!;
      const tracked: Promise<void> = p.then(
        (outcome) => {
          this.inflight.delete(tracked);
          // Put back for want of room: reserve nothing more until a call ends and frees some.
          if (outcome === 'postponed') this.holdUntil = Date.now() + this.opts.holdMs;
          else this.release();
        },
        (err: unknown) => {
          this.opts.onError?.(err, `async call ${r.job.id}`);
          onPlaced(r);
          this.inflight.delete(tracked);
          this.release();
        },
      );
      this.inflight.add(tracked);
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
