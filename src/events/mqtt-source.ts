import type { MqttClient } from 'mqtt';
import { mqttQos } from '../models/index.js';
import {
  errorText,
  type EventSource,
  maskUrl,
  messageHeaders,
  type SourceContext,
  SourceCounters,
  type SourceStatus,
} from './event-source.js';

/** How long the broker keeps a node's session (and its unacked messages) while it is away. */
const SESSION_EXPIRY_SECS = 3600;

interface PublishPacket {
  messageId?: number;
  retain?: boolean;
  dup?: boolean;
  properties?: {
    userProperties?: Record<string, string | string[]>;
    contentType?: string;
    correlationData?: Buffer;
  };
}

/**
 * An MQTT topic filter, subscribed over MQTT 5 as the shared subscription
 * `$share/fnode-<trigger id>/<filter>`, so each message goes to one node. The session is
 * persistent (clean start off, client id per node and trigger) and a QoS 1/2 message is
 * acknowledged only once its call is queued: one not acknowledged when the connection drops is
 * sent again by the broker. A `message-id` user property, when present, is the idempotency key.
 */
export class MqttSource implements EventSource {
  private readonly counters = new SourceCounters();
  private client: MqttClient | undefined;
  private stopped = false;

  constructor(private readonly ctx: SourceContext) {}

  private get filter(): string {
    return `$share/fnode-${this.ctx.trigger.id}/${this.ctx.trigger.source}`;
  }

  async start(): Promise<void> {
    const mqtt = await import('mqtt');
    const { trigger } = this.ctx;
    const qos = mqttQos(trigger.annotations);
    const client = mqtt.connect(this.ctx.url, {
      protocolVersion: 5,
      clientId: `fnode-${this.ctx.nodeName}-${trigger.id}`.slice(0, 128),
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECS },
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // The acknowledgement waits for the call to be queued (see handle).
      customHandleAcks: (topic, message, packet, cb) => {
        void this.handle(topic, message, packet as PublishPacket, cb);
      },
    });
    this.client = client;
    client.on('connect', () => {
      this.counters.state = 'running';
      this.counters.lastError = undefined;
      // A resumed session keeps its subscription; subscribing again is harmless and covers a new one.
      client.subscribe(this.filter, { qos }, (err) => {
        if (err) this.counters.lastError = errorText(err);
      });
    });
    client.on('reconnect', () => {
      if (!this.stopped) this.counters.state = 'reconnecting';
    });
    client.on('close', () => {
      if (!this.stopped) this.counters.state = 'reconnecting';
    });
    client.on('error', (err) => {
      this.counters.lastError = errorText(err);
    });
    // QoS 0 messages skip customHandleAcks.
    client.on('message', (topic, message, packet) => {
      if ((packet as { qos?: number }).qos === 0)
        void this.handle(topic, message, packet as PublishPacket, () => {});
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.counters.state = 'stopped';
    await this.client?.endAsync(true).catch(() => {});
  }

  async status(): Promise<SourceStatus> {
    return this.counters.snapshot({
      broker: maskUrl(this.ctx.url),
      consumer: { subscription: this.filter, qos: mqttQos(this.ctx.trigger.annotations) },
    });
  }

  private async handle(
    topic: string,
    message: Buffer,
    packet: PublishPacket,
    cb: (error: Error | number, code?: number) => void,
  ): Promise<void> {
    const { trigger } = this.ctx;
    const props = packet.properties ?? {};
    const user = props.userProperties ?? {};
    const rawId = user['message-id'];
    const id = Array.isArray(rawId) ? rawId[0] : rawId;
    try {
      await this.ctx.deliver({
        body: message,
        headers: {
          ...messageHeaders(Object.entries(user).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
          ...(props.contentType ? { 'content-type': props.contentType } : {}),
          'fn-event-type': 'mqtt',
          'fn-event-source': trigger.source,
          'fn-event-subject': topic,
          ...(id ? { 'fn-event-id': id } : {}),
          ...(packet.dup ? { 'fn-event-redelivered': 'true' } : {}),
        },
        key: id ? `mqtt:${trigger.id}:${id}` : undefined,
        subject: topic,
      });
      cb(0);
      this.counters.ok();
    } catch (err) {
      this.counters.failed++;
      this.counters.lastError = errorText(err);
      this.ctx.onError(err, `mqtt trigger ${trigger.id}: queueing a message of ${topic}`);
      // No acknowledgement: the broker sends the message again when the session resumes.
      cb(err instanceof Error ? err : new Error(String(err)));
      this.client?.reconnect();
    }
  }
}
