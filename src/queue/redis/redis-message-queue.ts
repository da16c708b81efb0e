import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { checkMax, checkPush, checkVisibility } from '../checks.js';
import type { MessageQueue, QueueBacklog, QueueJob, Reservation } from '../message-queue.js';
import { ReservationLostError } from '../reservation-lost-error.js';
import { TurnBatch } from '../turn-batch.js';
import {
  backlogScript,
  deleteScript,
  depthScript,
  extendScript,
  pushScript,
  removeScript,
  reserveScript,
} from './scripts.js';

export const DEFAULT_REDIS_PREFIX = 'fnode:mq:';
/** Due jobs and expired reservations moved back to ready per reserve. */
const REQUEUE_BATCH = 1000;
const CONNECT_TIMEOUT_MSECS = 5000;
/** Jobs per push script call (3 arguments each). */
const PUSH_BATCH = 1000;

export interface RedisMessageQueueOptions {
  /** Prefix of every key of this queue. Default `fnode:mq:`. */
  prefix?: string;
}

/**
 * The MessageQueue on Redis, each operation one Lua script (atomic). A timed-out reservation goes
 * back to `ready` with its original sequence number, ahead of later pushes. Durable only as far
 * as the server persists (AOF/RDB).
 */
export class RedisMessageQueue implements MessageQueue {
  private readonly prefix: string;
  private readonly ready: string;
  private readonly delayed: string;
  private readonly reserved: string;
  private readonly seq: string;
  private readonly jobPrefix: string;
  private closed = false;

  /** On an existing client, which `close()` leaves open. */
  constructor(
    private readonly redis: Redis,
    options: RedisMessageQueueOptions = {},
    private readonly owned = false,
  ) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.ready = `${this.prefix}ready`;
    this.delayed = `${this.prefix}delayed`;
    this.reserved = `${this.prefix}reserved`;
    this.seq = `${this.prefix}seq`;
    this.jobPrefix = `${this.prefix}job:`;
  }

  onReconnect(listener: () => void): void {
    let connectedBefore = this.redis.status === 'ready';
    this.redis.on('ready', () => {
      if (connectedBefore) listener();
      connectedBefore = true;
    });
  }

  /**
   * Connects to `redis://[user:pass@]host:port/db` (or `rediss://`), failing at once with an Error
   * when the server cannot be reached. `close()` ends the connection.
   */
  static async connect(url: string, options: RedisMessageQueueOptions = {}): Promise<RedisMessageQueue> {
    // Imported only when a Redis queue is configured: nothing else loads ioredis.
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MSECS,
      maxRetriesPerRequest: 3,
    });
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot reach the redis queue at ${redactUrl(url)}: ${reason}`, { cause: err });
    }
    return new RedisMessageQueue(redis, options, true);
  }

  /** Pushes made together (one run of promise jobs) go in one script call, in their order. */
  async push(job: QueueJob, delayMs = 0): Promise<void> {
    checkPush(job, delayMs);
    await this.pushes.add([job.id, job.priority, Math.ceil(delayMs)]);
  }

  private readonly pushes = new TurnBatch<[string, number, number]>(async (jobs) => {
    await pushScript.run(this.redis, [this.ready, this.delayed, this.seq], [this.jobPrefix, ...jobs.flat()]);
  }, PUSH_BATCH);

  async reserve(visibilityMs: number): Promise<Reservation | undefined> {
    return (await this.reserveMany(1, visibilityMs))[0];
  }

  async reserveMany(max: number, visibilityMs: number): Promise<Reservation[]> {
    checkMax(max);
    checkVisibility(visibilityMs);
    const tokenPrefix = `${randomUUID()}.`;
    const got = (await reserveScript.run(
      this.redis,
      [this.ready, this.delayed, this.reserved],
      [this.jobPrefix, Math.ceil(visibilityMs), tokenPrefix, REQUEUE_BATCH, max],
    )) as (string | number)[];
    const out: Reservation[] = [];
    for (let i = 0; i < got.length; i += 3) {
      out.push({
        job: { id: String(got[i]), priority: Number(got[i + 1]) },
        token: `${tokenPrefix}${out.length + 1}`,
        reservations: Number(got[i + 2]),
      });
    }
    return out;
  }

  async extend(r: Reservation, visibilityMs: number): Promise<boolean> {
    checkVisibility(visibilityMs);
    const ok = await extendScript.run(
      this.redis,
      [this.ready, this.reserved],
      [this.jobPrefix + r.job.id, r.job.id, r.token, Math.ceil(visibilityMs)],
    );
    return ok === 1;
  }

  async delete(r: Reservation): Promise<void> {
    const [held] = await this.deleteMany([r]);
    if (held !== undefined) throw new ReservationLostError(held);
  }

  async deleteMany(rs: readonly Reservation[]): Promise<string[]> {
    if (rs.length === 0) return [];
    const args: string[] = [this.jobPrefix];
    for (const r of rs) args.push(r.job.id, r.token);
    const held = await deleteScript.run(this.redis, [this.ready, this.delayed, this.reserved], args);
    return (held as string[]).map(String);
  }

  async remove(id: string): Promise<boolean> {
    const existed = await removeScript.run(
      this.redis,
      [this.ready, this.delayed, this.reserved],
      [this.jobPrefix + id, id],
    );
    return existed === 1;
  }

  async depth(): Promise<number> {
    return Number(await depthScript.run(this.redis, [this.ready, this.delayed, this.reserved], []));
  }

  async backlog(): Promise<QueueBacklog> {
    const [ready, delayed, age] = (await backlogScript.run(
      this.redis,
      [this.ready, this.delayed, this.reserved],
      [this.jobPrefix],
    )) as [number, number, number];
    return { ready: Number(ready), delayed: Number(delayed), oldestReadyAgeMs: Number(age) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Pushes already accepted are written before the connection goes.
    await this.pushes.idle();
    if (this.owned) await this.redis.quit();
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
