import { cronSchedule, cronTimeZone } from '../models/index.js';
import {
  errorText,
  type EventSource,
  type SourceContext,
  SourceCounters,
  type SourceStatus,
} from './event-source.js';

/** Node's timers hold at most 2^31-1 ms; a tick further away is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A schedule: every node that runs the trigger fires each tick, with the idempotency key
 * `cron:<trigger id>:<tick ISO>`, so the datastore keeps one call per tick across the cluster
 * (the first node's; the others' enqueue returns that call). The tick time, not the firing time,
 * is in the key, so nodes whose clocks or timers differ by a little still agree.
 */
export class CronSource implements EventSource {
  private readonly counters = new SourceCounters();
  private readonly schedule;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private next: Date | undefined;
  private stopped = false;

  constructor(private readonly ctx: SourceContext) {
    this.schedule = cronSchedule(ctx.trigger.source, cronTimeZone(ctx.trigger.annotations));
    this.now = ctx.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.counters.state = 'running';
    this.arm(new Date(this.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.counters.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.schedule.stop();
  }

  async status(): Promise<SourceStatus> {
    return this.counters.snapshot(this.next ? { next_fire_at: this.next.toISOString() } : {});
  }

  /** The first tick strictly after `from`. */
  nextTick(from: Date): Date | undefined {
    return this.schedule.nextRun(from) ?? undefined;
  }

  private arm(from: Date): void {
    if (this.stopped) return;
    const next = this.nextTick(from);
    this.next = next;
    if (!next) return;
    const wait = () => {
      const ms = next.getTime() - this.now();
      if (ms > MAX_TIMER_MS) {
        this.timer = setTimeout(wait, MAX_TIMER_MS);
        return;
      }
      this.timer = setTimeout(
        () => {
          // Timers may fire a little early: wait out the rest rather than fire before the tick.
          if (this.now() < next.getTime()) return wait();
          void this.fire(next);
          this.arm(next);
        },
        Math.max(0, ms),
      );
    };
    wait();
  }

  private async fire(tick: Date): Promise<void> {
    const iso = tick.toISOString();
    const { trigger } = this.ctx;
    try {
      await this.ctx.deliver({
        body: Buffer.alloc(0),
        headers: {
          'fn-event-type': 'cron',
          'fn-event-source': trigger.source,
          'fn-event-time': iso,
          'fn-event-id': `cron:${trigger.id}:${iso}`,
        },
        key: `cron:${trigger.id}:${iso}`,
        subject: trigger.source,
      });
      this.counters.ok();
      this.counters.lastError = undefined;
    } catch (err) {
      this.counters.failed++;
      this.counters.lastError = errorText(err);
      this.ctx.onError(err, `cron trigger ${trigger.id}: queueing the tick of ${iso}`);
    }
  }
}
