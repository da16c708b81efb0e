import type { ConsumerMessages, JsMsg, Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import { EventAnnotations, stringAnnotation } from '../models/index.js';
import {
  backoffMs,
  errorText,
  type EventMessage,
  type EventSource,
  maskUrl,
  messageHeaders,
  type SourceContext,
  SourceCounters,
  type SourceStatus,
  sleep,
  within,
} from './event-source.js';

const IN_FLIGHT = 100;

/**
 * NATS. Core subjects: a queue subscription (group `fnode-<trigger id>`), so each message goes to
 * one node; core NATS has no acknowledgement, so a message in flight when a node dies is lost
 * (use JetStream for at-least-once). With `fnode.io/nats-stream` and `fnode.io/nats-durable`: a
 * durable pull consumer (made if missing, filtered on the subject; the stream too), shared by
 * the nodes, each message acked once its call is queued and keyed by its stream sequence.
 */
export class NatsSource implements EventSource {
  private readonly counters = new SourceCounters();
  private readonly stream: string | undefined;
  private readonly durable: string | undefined;
  private nc: NatsConnection | undefined;
  private sub: Subscription | undefined;
  private messages: ConsumerMessages | undefined;
  private stopped = false;
  private work: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly ctx: SourceContext) {
    const a = ctx.trigger.annotations;
    this.stream = stringAnnotation(a, EventAnnotations.natsStream);
    this.durable = stringAnnotation(a, EventAnnotations.natsDurable);
  }

  async start(): Promise<void> {
    this.work = this.run().catch((err: unknown) => {
      this.counters.lastError = errorText(err);
      this.ctx.onError(err, `nats trigger ${this.ctx.trigger.id}`);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.counters.state = 'stopped';
    this.abort.abort();
    this.messages?.stop();
    this.sub?.unsubscribe();
    await this.nc?.close().catch(() => {});
    await this.work;
  }

  async status(): Promise<SourceStatus> {
    const consumer: Record<string, number | string> = {};
    if (this.stream && this.durable) {
      consumer['stream'] = this.stream;
      consumer['durable'] = this.durable;
      const nc = this.nc;
      const info = nc
        ? await within(
            500,
            nc.jetstreamManager().then((jsm) => jsm.consumers.info(this.stream ?? '', this.durable ?? '')),
          )
        : undefined;
      if (info) {
        consumer['pending'] = info.num_pending;
        consumer['ack_pending'] = info.num_ack_pending;
        consumer['redelivered'] = info.num_redelivered;
      }
    } else consumer['queue_group'] = this.queueGroup();
    return this.counters.snapshot({ broker: maskUrl(this.ctx.url), consumer });
  }

  private queueGroup(): string {
    return `fnode-${this.ctx.trigger.id}`;
  }

  private async run(): Promise<void> {
    const { connect } = await import('nats');
    const url = new URL(this.ctx.url);
    let nc: NatsConnection | undefined;
    // The first connect is retried here (cancellable by stop); later drops by the client itself.
    for (let attempt = 0; !nc; attempt++) {
      if (this.stopped) return;
      try {
        nc = await connect({
          servers: `${url.hostname}:${url.port || 4222}`,
          ...(url.username
            ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
            : {}),
          ...(url.protocol === 'tls:' ? { tls: {} } : {}),
          name: `fnode-events-${this.ctx.trigger.id}`,
          reconnect: true,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1000,
        });
      } catch (err) {
        this.counters.state = 'reconnecting';
        this.counters.lastError = errorText(err);
        await sleep(backoffMs(attempt), this.abort.signal);
      }
    }
    if (this.stopped) {
      await nc.close();
      return;
    }
    this.nc = nc;
    void this.watch(nc);
    if (this.stream && this.durable) await this.keepConsuming(nc, this.stream, this.durable);
    else {
      this.subscribeCore(nc);
      this.counters.state = 'running';
      this.counters.lastError = undefined;
    }
    await nc.closed();
  }

  /**
   * Sets up the stream and the durable consumer and reads it, again (with a growing backoff)
   * whenever that fails or the consumer's messages end: a JetStream API that times out on a
   * busy server, or a consumer deleted from outside, must not leave the trigger dead while it
   * says it runs.
   */
  private async keepConsuming(nc: NatsConnection, stream: string, durable: string): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.consumeJetStream(nc, stream, durable);
        failures = 0;
      } catch (err) {
        if (this.stopped) return;
        this.counters.state = 'reconnecting';
        this.counters.lastError = errorText(err);
        failures++;
      }
      if (this.stopped) return;
      await sleep(backoffMs(failures), this.abort.signal);
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (this.stopped) return;
      if (s.type === 'disconnect' || s.type === 'reconnecting') this.counters.state = 'reconnecting';
      else if (s.type === 'reconnect') {
        this.counters.state = 'running';
        this.counters.lastError = undefined;
      } else if (s.type === 'error') this.counters.lastError = String(s.data);
    }
  }

  private subscribeCore(nc: NatsConnection): void {
    const { trigger } = this.ctx;
    this.sub = nc.subscribe(trigger.source, {
      queue: this.queueGroup(),
      callback: (err, m) => {
        if (err) {
          this.counters.lastError = errorText(err);
          return;
        }
        const id = m.headers?.get('Nats-Msg-Id') || undefined;
        void this.hand(this.message(m, id ? `nats:${trigger.id}:${id}` : undefined, id), () => {});
      },
    });
  }

  private async consumeJetStream(nc: NatsConnection, stream: string, durable: string): Promise<void> {
    const { AckPolicy, DeliverPolicy } = await import('nats');
    const jsm = await nc.jetstreamManager();
    const subject = this.ctx.trigger.source;
    await jsm.streams.info(stream).catch(async () => {
      await jsm.streams.add({ name: stream, subjects: [subject] });
    });
    await jsm.consumers.info(stream, durable).catch(async () => {
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: subject,
      });
    });
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: IN_FLIGHT });
    // Running once the consumer is there: a message published from now on is taken.
    this.counters.state = 'running';
    this.counters.lastError = undefined;
    // Up to IN_FLIGHT messages are queued at once (their inserts share commits); each is acked
    // on its own once queued, and one not acked is delivered again after the consumer's ack wait.
    const inFlight = new Set<Promise<void>>();
    for await (const m of this.messages) {
      if (this.stopped) return;
      const key = `nats:${this.ctx.trigger.id}:${stream}:${m.seq}`;
      const p = this.hand(this.message(m, key, String(m.seq), m.redelivered), () => m.ack()).finally(() =>
        inFlight.delete(p),
      );
      inFlight.add(p);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
  }

  private message(
    m: Msg | JsMsg,
    key: string | undefined,
    id: string | undefined,
    redelivered = false,
  ): EventMessage {
    return {
      body: Buffer.from(m.data),
      headers: {
        ...messageHeaders(headerEntries(m.headers)),
        'fn-event-type': 'nats',
        'fn-event-source': this.ctx.trigger.source,
        'fn-event-subject': m.subject,
        ...(id ? { 'fn-event-id': id } : {}),
        ...(redelivered ? { 'fn-event-redelivered': 'true' } : {}),
      },
      key,
      subject: m.subject,
    };
  }

  private async hand(msg: EventMessage, ack: () => void): Promise<void> {
    try {
      await this.ctx.deliver(msg);
      ack();
      this.counters.ok();
    } catch (err) {
      this.counters.failed++;
      this.counters.lastError = errorText(err);
      this.ctx.onError(err, `nats trigger ${this.ctx.trigger.id}: queueing a message of ${msg.subject}`);
    }
  }
}

function headerEntries(h: MsgHdrs | undefined): [string, string][] {
  if (!h) return [];
  return h.keys().map((k) => [k, h.get(k)] as [string, string]);
}
