import { Redis } from 'ioredis';
import type { BusOptions, InvalidationBus } from './invalidation-bus.js';

/** The bus on Redis pub/sub: one connection publishes, one listens. */
export class RedisInvalidationBus implements InvalidationBus {
  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
    private readonly opts: BusOptions,
  ) {}

  static async connect(url: string, channel: string, opts: BusOptions): Promise<RedisInvalidationBus> {
    const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const sub = new Redis(url, { lazyConnect: true });
    for (const r of [pub, sub]) r.on('error', opts.onError);
    await Promise.all([pub.connect(), sub.connect()]);
    // ioredis subscribes again by itself after a reconnect.
    await sub.subscribe(channel);
    sub.on('message', (_channel: string, from: string) => {
      if (from !== opts.nodeId) opts.onInvalidate();
    });
    return new RedisInvalidationBus(pub, sub, channel, opts);
  }

  publish(): void {
    this.pub.publish(this.channel, this.opts.nodeId).catch(this.opts.onError);
  }

  async close(): Promise<void> {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
