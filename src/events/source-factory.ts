import { AmqpSource } from './amqp-source.js';
import { CronSource } from './cron-source.js';
import type { EventSource, SourceContext } from './event-source.js';
import { MqttSource } from './mqtt-source.js';
import { NatsSource } from './nats-source.js';
import { RedisStreamSource } from './redis-stream-source.js';

/**
 * The adapter of a trigger's type. Each adapter imports its broker client when it starts, so a
 * server with no trigger of a type never loads that client.
 */
export function sourceFor(ctx: SourceContext): EventSource {
  switch (ctx.trigger.type) {
    case 'cron':
      return new CronSource(ctx);
    case 'nats':
      return new NatsSource(ctx);
    case 'amqp':
      return new AmqpSource(ctx);
    case 'mqtt':
      return new MqttSource(ctx);
    case 'redis-stream':
      return new RedisStreamSource(ctx);
    default:
      throw new Error(`no event source for trigger type ${ctx.trigger.type}`);
  }
}
