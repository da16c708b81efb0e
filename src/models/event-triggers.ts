import { Cron } from 'croner';
import type { Annotations } from './annotations.js';
import { ApiError } from './api-error.js';
import { hasControlCharacter } from './text.js';

/** The trigger types that run a fn on a schedule or on broker messages (issue 17). */
export const EventTriggerTypes = ['cron', 'nats', 'amqp', 'mqtt', 'redis-stream'] as const;
export type EventTriggerType = (typeof EventTriggerTypes)[number];

export function isEventTriggerType(type: string): type is EventTriggerType {
  return (EventTriggerTypes as readonly string[]).includes(type);
}

/** The annotations that carry each event type's settings. */
export const EventAnnotations = {
  brokerUrl: 'fnode.io/broker-url',
  cronTz: 'fnode.io/cron-tz',
  natsStream: 'fnode.io/nats-stream',
  natsDurable: 'fnode.io/nats-durable',
  amqpExchange: 'fnode.io/amqp-exchange',
  amqpBindingKey: 'fnode.io/amqp-binding-key',
  mqttQos: 'fnode.io/mqtt-qos',
  redisGroup: 'fnode.io/redis-group',
} as const;

/** The URL schemes `fnode.io/broker-url` may use, per type. */
const BROKER_SCHEMES: Record<Exclude<EventTriggerType, 'cron'>, readonly string[]> = {
  nats: ['nats:', 'tls:'],
  amqp: ['amqp:', 'amqps:'],
  mqtt: ['mqtt:', 'mqtts:', 'ws:', 'wss:'],
  'redis-stream': ['redis:', 'rediss:'],
};

const MAX_NAME_BYTES = 255;

export const errInvalidTriggerSource = (type: string, source: string, reason: string) =>
  new ApiError(400, `Invalid ${type} trigger source "${source}": ${reason}`, {}, 'TriggerInvalidSource');

export const errInvalidTriggerAnnotation = (key: string, reason: string) =>
  new ApiError(400, `Invalid annotation ${key}: ${reason}`, {}, 'TriggerInvalidAnnotation');

/** A string annotation's value, or undefined when absent. */
export function stringAnnotation(a: Annotations | undefined, key: string): string | undefined {
  const v = a?.[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The time zone of a cron trigger (default UTC). */
export function cronTimeZone(a: Annotations | undefined): string {
  return stringAnnotation(a, EventAnnotations.cronTz) ?? 'UTC';
}

/** The MQTT QoS of a trigger (default 1). */
export function mqttQos(a: Annotations | undefined): 0 | 1 | 2 {
  const v = Number(stringAnnotation(a, EventAnnotations.mqttQos) ?? 1);
  return v === 0 || v === 2 ? v : 1;
}

/** A cron schedule for `source` (5 fields, or 6 with seconds first) in `tz`; throws a 400. */
export function cronSchedule(source: string, tz: string): Cron {
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw errInvalidTriggerSource(
      'cron',
      source,
      `a cron expression has 5 fields (minute hour day month weekday) or 6 with seconds first, not ${fields.length}`,
    );
  }
  try {
    return new Cron(source, { timezone: tz, paused: true, mode: fields.length === 5 ? '5-part' : '6-part' });
  } catch (err) {
    throw errInvalidTriggerSource('cron', source, err instanceof Error ? err.message : String(err));
  }
}

function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw errInvalidTriggerAnnotation(
      EventAnnotations.cronTz,
      `unknown time zone "${tz}" (use an IANA name)`,
    );
  }
}

/** NATS subjects: dot-separated tokens; `*` a whole token, `>` the whole last token. */
function checkNatsSubject(source: string): void {
  const fail = (reason: string) => errInvalidTriggerSource('nats', source, reason);
  if (/\s/.test(source)) throw fail('a subject has no whitespace');
  const tokens = source.split('.');
  tokens.forEach((t, i) => {
    if (t === '') throw fail('a subject has no empty token (no leading, trailing or double dot)');
    if (t.includes('>') && (t !== '>' || i !== tokens.length - 1))
      throw fail("the wildcard '>' stands alone as the last token");
    if (t.includes('*') && t !== '*') throw fail("the wildcard '*' stands alone as a token");
  });
}

/** MQTT topic filters: `+` a whole level, `#` the whole last level. */
function checkMqttFilter(source: string): void {
  const fail = (reason: string) => errInvalidTriggerSource('mqtt', source, reason);
  if (source.startsWith('$share/')) throw fail('fnode shares subscriptions itself: give the plain filter');
  const levels = source.split('/');
  levels.forEach((l, i) => {
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1))
      throw fail("the wildcard '#' stands alone as the last level");
    if (l.includes('+') && l !== '+') throw fail("the wildcard '+' stands alone as a level");
  });
}

/** Names where no pattern is allowed: AMQP queues, Redis stream keys. */
function checkPlainName(type: EventTriggerType, source: string, wildcards: RegExp): void {
  if (Buffer.byteLength(source) > MAX_NAME_BYTES)
    throw errInvalidTriggerSource(type, source, `at most ${MAX_NAME_BYTES} bytes`);
  if (/\s/.test(source) || hasControlCharacter(source))
    throw errInvalidTriggerSource(type, source, 'no whitespace or control characters');
  if (wildcards.test(source))
    throw errInvalidTriggerSource(type, source, 'a wildcard is not allowed here: name one queue or key');
}

/**
 * `fnode.io/broker-url`: a URL of the type's schemes without credentials. Credentials come only
 * from the server's configuration (FNODE_*_URL), so no API answer can ever show one.
 */
function checkBrokerUrl(type: Exclude<EventTriggerType, 'cron'>, a: Annotations | undefined): void {
  const key = EventAnnotations.brokerUrl;
  if (!a || !(key in a)) return;
  const raw = a[key];
  let url: URL;
  try {
    if (typeof raw !== 'string') throw new Error();
    url = new URL(raw);
  } catch {
    throw errInvalidTriggerAnnotation(key, 'must be a URL string');
  }
  const schemes = BROKER_SCHEMES[type];
  if (!schemes.includes(url.protocol))
    throw errInvalidTriggerAnnotation(key, `${type} triggers take ${schemes.join('//, ')}// URLs`);
  if (url.username || url.password)
    throw errInvalidTriggerAnnotation(
      key,
      'credentials are not accepted in a trigger (API answers would show them): set them in the server configuration (FNODE_*_URL)',
    );
}

function checkNonEmptyString(a: Annotations | undefined, key: string): void {
  if (!a || !(key in a)) return;
  const v = a[key];
  if (typeof v !== 'string' || v.trim() === '' || /\s/.test(v))
    throw errInvalidTriggerAnnotation(key, 'must be a non-empty string without whitespace');
}

/** 400 with a clear message when an event trigger's source or settings cannot work. */
export function validateEventTrigger(
  type: EventTriggerType,
  source: string,
  a: Annotations | undefined,
): void {
  switch (type) {
    case 'cron': {
      const tz = cronTimeZone(a);
      checkTimeZone(tz);
      cronSchedule(source, tz).stop();
      return;
    }
    case 'nats':
      checkNatsSubject(source);
      checkNonEmptyString(a, EventAnnotations.natsStream);
      checkNonEmptyString(a, EventAnnotations.natsDurable);
      if (
        stringAnnotation(a, EventAnnotations.natsDurable) &&
        !stringAnnotation(a, EventAnnotations.natsStream)
      )
        throw errInvalidTriggerAnnotation(
          EventAnnotations.natsDurable,
          `needs ${EventAnnotations.natsStream}`,
        );
      break;
    case 'amqp':
      checkPlainName(type, source, /[*#]/);
      if (source.startsWith('amq.'))
        throw errInvalidTriggerSource(type, source, "queue names starting 'amq.' are reserved by the broker");
      checkNonEmptyString(a, EventAnnotations.amqpExchange);
      if (a && EventAnnotations.amqpBindingKey in a && typeof a[EventAnnotations.amqpBindingKey] !== 'string')
        throw errInvalidTriggerAnnotation(EventAnnotations.amqpBindingKey, 'must be a string');
      break;
    case 'mqtt': {
      checkMqttFilter(source);
      const qos = a?.[EventAnnotations.mqttQos];
      if (qos !== undefined && ![0, 1, 2, '0', '1', '2'].includes(qos as number))
        throw errInvalidTriggerAnnotation(EventAnnotations.mqttQos, 'must be 0, 1 or 2');
      break;
    }
    case 'redis-stream':
      checkPlainName(type, source, /[*?[\]]/);
      checkNonEmptyString(a, EventAnnotations.redisGroup);
      break;
  }
  checkBrokerUrl(type, a);
}
