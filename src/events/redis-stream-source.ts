import type { Redis } from 'ioredis';
import { EventAnnotations, stringAnnotation } from '../models/index.js';
import {
  backoffMs,
  errorText,
  type EventSource,
  maskUrl,
  messageHeaders,
  type SourceContext,
  SourceCounters,
  type SourceStatus,
  sleep,
  within,
} from './event-source.js';

const BLOCK_MS = 1000;
/** How long a status waits for the broker's view of the consumer. */
const STATUS_MS = 500;
const COUNT = 100;

type Entry = [id: string, fields: string[]];

/**
 * A Redis stream read through a consumer group (`fnode.io/redis-group`, default `fnode`, made
 * with the stream if missing): the nodes share the group, so each entry goes to one of them.
 * An entry is XACKed once its call is queued; one left pending by a node that died is claimed
 * by another after FNODE_EVENT_REDELIVER_SECS (XAUTOCLAIM) and queued again under the same key.
 */
export class RedisStreamSource implements EventSource {
  private readonly counters = new SourceCounters();
  private readonly group: string;
  private redis: Redis | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();
  private lastClaim = 0;

  constructor(private readonly ctx: SourceContext) {
    this.group = stringAnnotation(ctx.trigger.annotations, EventAnnotations.redisGroup) ?? 'fnode';
  }

  async start(): Promise<void> {
    const { Redis } = await import('ioredis');
    // Commands wait through a reconnect instead of failing after a few retries.
    this.redis = new Redis(this.ctx.url, {
      maxRetriesPerRequest: null,
      lazyConnect: true,
      retryStrategy: (times) => backoffMs(times),
      connectionName: `fnode-events-${this.ctx.trigger.id}`,
    });
    this.redis.on('error', (err) => {
      this.counters.lastError = errorText(err);
    });
    this.redis.on('reconnecting', () => {
      if (!this.stopped) this.counters.state = 'reconnecting';
    });
    this.loop = this.run(this.redis);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.counters.state = 'stopped';
    this.abort.abort();
    this.redis?.disconnect();
    // A command queued while Redis is unreachable never settles after a disconnect: not waited for.
    await Promise.race([this.loop, sleep(1000, new AbortController().signal)]);
  }

  async status(): Promise<SourceStatus> {
    const consumer: Record<string, number | string> = { stream: this.ctx.trigger.source, group: this.group };
    if (this.redis?.status === 'ready') {
      // A command may wait through a reconnect (maxRetriesPerRequest: null): bounded here.
      const groups = (await within(STATUS_MS, this.redis.xinfo('GROUPS', this.ctx.trigger.source))) as
        | unknown[][]
        | undefined;
      for (const g of groups ?? []) {
        const info = toRecord(g);
        if (info['name'] !== this.group) continue;
        consumer['pending'] = Number(info['pending'] ?? 0);
        if (info['lag'] !== null && info['lag'] !== undefined) consumer['lag'] = Number(info['lag']);
      }
    }
    return this.counters.snapshot({ broker: maskUrl(this.ctx.url), consumer });
  }

  private async run(redis: Redis): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        if (redis.status === 'wait') await redis.connect();
        await this.ensureGroup(redis);
        this.counters.state = 'running';
        this.counters.lastError = undefined;
        attempt = 0;
        for (;;) {
          if (this.stopped) return;
          await this.claimStale(redis);
          const res = (await redis.xreadgroup(
            'GROUP',
            this.group,
            this.ctx.nodeId,
            'COUNT',
            COUNT,
            'BLOCK',
            BLOCK_MS,
            'STREAMS',
            this.ctx.trigger.source,
            '>',
          )) as [string, Entry[]][] | null;
          this.counters.state = 'running';
          for (const [, entries] of res ?? []) await this.handle(redis, entries);
        }
      } catch (err) {
        if (this.stopped) return;
        this.counters.state = 'reconnecting';
        this.counters.lastError = errorText(err);
        await sleep(backoffMs(attempt++), this.abort.signal);
      }
    }
  }

  private async ensureGroup(redis: Redis): Promise<void> {
    try {
      await redis.xgroup('CREATE', this.ctx.trigger.source, this.group, '$', 'MKSTREAM');
    } catch (err) {
      if (!errorText(err).startsWith('BUSYGROUP')) throw err;
    }
  }

  /** Entries left pending too long by a consumer that died: taken over by this node. */
  private async claimStale(redis: Redis): Promise<void> {
    const now = Date.now();
    if (now - this.lastClaim < Math.min(this.ctx.redeliverMs / 2, 5000)) return;
    this.lastClaim = now;
    const res = (await redis.xautoclaim(
      this.ctx.trigger.source,
      this.group,
      this.ctx.nodeId,
      this.ctx.redeliverMs,
      '0-0',
      'COUNT',
      COUNT,
    )) as [string, Entry[] | null[]];
    const entries = (res[1] ?? []).filter((e): e is Entry => Array.isArray(e) && Array.isArray(e[1]));
    if (entries.length > 0) await this.handle(redis, entries);
  }

  /** Queues a batch's calls together, then XACKs those queued in one command. */
  private async handle(redis: Redis, entries: Entry[]): Promise<void> {
    const queued = await Promise.all(entries.map(([id, flat]) => this.queue(id, flat)));
    const ids = entries.map(([id]) => id).filter((_, i) => queued[i]);
    if (ids.length === 0) return;
    await redis.xack(this.ctx.trigger.source, this.group, ...ids);
    for (const _ of ids) this.counters.ok();
  }

  private async queue(id: string, flat: string[]): Promise<boolean> {
    const { trigger } = this.ctx;
    const fields: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) fields.push([flat[i] as string, flat[i + 1] as string]);
    const bodyField = fields.find(([k]) => k === 'body');
    const body = bodyField ? bodyField[1] : JSON.stringify(Object.fromEntries(fields));
    try {
      await this.ctx.deliver({
        body: Buffer.from(body),
        headers: {
          ...messageHeaders(fields.filter(([k]) => k !== 'body')),
          'fn-event-type': 'redis-stream',
          'fn-event-source': trigger.source,
          'fn-event-id': id,
        },
        key: `redis-stream:${trigger.id}:${id}`,
        subject: trigger.source,
      });
      return true;
    } catch (err) {
      // Left pending: claimed again after the redelivery time.
      this.counters.failed++;
      this.counters.lastError = errorText(err);
      this.ctx.onError(err, `redis-stream trigger ${trigger.id}: queueing entry ${id}`);
      return false;
    }
  }
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
