import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
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

const PREFETCH = 100;
const NACK_PAUSE_MS = 1000;

/**
 * A RabbitMQ queue (declared durable if missing; with `fnode.io/amqp-exchange`, bound to that
 * exchange by `fnode.io/amqp-binding-key`, default `#`; a missing exchange is made a durable
 * topic exchange). The nodes are competing consumers of the queue, so each message goes to one
 * of them; it is acked once its call is queued and requeued when queueing fails. A message whose
 * node died unacked is redelivered by RabbitMQ; its `message_id`, when it has one, is the key
 * that keeps the redelivery from making a second call.
 */
export class AmqpSource implements EventSource {
  private readonly counters = new SourceCounters();
  private conn: ChannelModel | undefined;
  private channel: Channel | undefined;
  private stopped = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly ctx: SourceContext) {}

  async start(): Promise<void> {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.counters.state = 'stopped';
    this.abort.abort();
    if (this.retry) clearTimeout(this.retry);
    // Unacked messages go back to the queue when the connection closes.
    await this.conn?.close().catch(() => {});
  }

  async status(): Promise<SourceStatus> {
    const consumer: Record<string, number | string> = { queue: this.ctx.trigger.source };
    const q = this.channel ? await within(500, this.channel.checkQueue(this.ctx.trigger.source)) : undefined;
    if (q) {
      consumer['messages'] = q.messageCount;
      consumer['consumers'] = q.consumerCount;
    }
    return this.counters.snapshot({ broker: maskUrl(this.ctx.url), consumer });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const amqp = await import('amqplib');
      const conn = await amqp.connect(this.ctx.url, {
        clientProperties: { connection_name: `fnode-events-${this.ctx.trigger.id}` },
      });
      if (this.stopped) {
        await conn.close().catch(() => {});
        return;
      }
      this.conn = conn;
      conn.on('error', (err: Error) => {
        this.counters.lastError = errorText(err);
      });
      conn.on('close', () => {
        this.channel = undefined;
        this.conn = undefined;
        if (this.stopped) return;
        this.counters.state = 'reconnecting';
        this.later();
      });
      await this.consume(conn);
      this.attempt = 0;
      this.counters.state = 'running';
      this.counters.lastError = undefined;
    } catch (err) {
      this.counters.lastError = errorText(err);
      this.counters.state = 'reconnecting';
      if (this.conn) await this.conn.close().catch(() => {});
      else this.later();
    }
  }

  private later(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        void this.connect();
      },
      backoffMs(this.attempt++),
    );
  }

  private async consume(conn: ChannelModel): Promise<void> {
    const a = this.ctx.trigger.annotations;
    const queue = this.ctx.trigger.source;
    const exchange = stringAnnotation(a, EventAnnotations.amqpExchange);
    const ch = await conn.createChannel();
    ch.on('error', (err: Error) => {
      this.counters.lastError = errorText(err);
    });
    await ch.assertQueue(queue, { durable: true });
    if (exchange) {
      // checkExchange closes its channel when the exchange is missing: ask on a spare one.
      const probe = await conn.createChannel();
      probe.on('error', () => {});
      const exists = await probe.checkExchange(exchange).then(
        () => true,
        () => false,
      );
      if (exists) await probe.close().catch(() => {});
      else await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.bindQueue(queue, exchange, stringAnnotation(a, EventAnnotations.amqpBindingKey) ?? '#');
    }
    await ch.prefetch(PREFETCH);
    this.channel = ch;
    await ch.consume(queue, (m) => {
      if (m) void this.handle(ch, m);
    });
  }

  private async handle(ch: Channel, m: ConsumeMessage): Promise<void> {
    const { trigger } = this.ctx;
    const id = m.properties.messageId ? String(m.properties.messageId) : undefined;
    try {
      await this.ctx.deliver({
        body: m.content,
        headers: {
          ...messageHeaders(Object.entries(m.properties.headers ?? {})),
          ...(m.properties.contentType ? { 'content-type': String(m.properties.contentType) } : {}),
          'fn-event-type': 'amqp',
          'fn-event-source': trigger.source,
          'fn-event-subject': m.fields.routingKey,
          ...(m.fields.exchange ? { 'fn-event-exchange': m.fields.exchange } : {}),
          ...(id ? { 'fn-event-id': id } : {}),
          ...(m.fields.redelivered ? { 'fn-event-redelivered': 'true' } : {}),
        },
        key: id ? `amqp:${trigger.id}:${id}` : undefined,
        subject: m.fields.routingKey || trigger.source,
      });
      ch.ack(m);
      this.counters.ok();
    } catch (err) {
      this.counters.failed++;
      this.counters.lastError = errorText(err);
      this.ctx.onError(err, `amqp trigger ${trigger.id}: queueing a message`);
      // Requeued after a pause: a datastore that is away is not asked again at once, in a loop.
      await sleep(NACK_PAUSE_MS, this.abort.signal);
      try {
        ch.nack(m, false, true);
      } catch {
        // The channel is gone: RabbitMQ requeues the message itself.
      }
    }
  }
}
