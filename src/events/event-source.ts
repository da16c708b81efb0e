import type { Trigger } from '../models/index.js';

/** One message (or schedule tick) from a source, to become an async call of the trigger's fn. */
export interface EventMessage {
  body: Buffer;
  /** Request headers the function sees: the message's own and fnode's `fn-event-*`. */
  headers: Record<string, string>;
  /**
   * The idempotency key: the same message (a redelivery, or a tick fired by several nodes)
   * yields the same key and so one call. Undefined when the broker gives no stable id.
   */
  key: string | undefined;
  /** Where the message came from (subject, topic, routing key, stream), for the call's URL. */
  subject: string;
}

/**
 * Hands a message to the async queue; resolves once its call is durably queued. A source
 * acknowledges the message to its broker only after this resolves (at-least-once).
 */
export type Deliver = (msg: EventMessage) => Promise<void>;

/** What `GET /v2/triggers/{id}/status` shows of a source on this node. */
export interface SourceStatus {
  /** connecting | running | reconnecting | stopped */
  state: 'connecting' | 'running' | 'reconnecting' | 'stopped';
  /** The broker it reads, credentials masked (none for cron). */
  broker?: string;
  /** cron: the next tick this node fires. */
  next_fire_at?: string;
  /** Messages handed to the queue by this node since the source started. */
  delivered: number;
  /** Messages whose queueing failed (left unacknowledged, so the broker delivers them again). */
  failed: number;
  last_delivery_at?: string;
  /** The last connection or delivery problem, while it lasts. */
  last_error?: string;
  /** Broker-side state when the broker tells it (pending entries, consumer lag, ...). */
  consumer?: Record<string, number | string>;
}

/** A running event source of one trigger: the port every adapter implements. */
export interface EventSource {
  /** Connects and starts consuming; resolves once started (the connection may still be coming). */
  start(): Promise<void>;
  /** Stops consuming and closes its connection; unacknowledged messages go back to the broker. */
  stop(): Promise<void>;
  status(): Promise<SourceStatus>;
}

export interface SourceContext {
  trigger: Trigger;
  /** The broker URL: the trigger's `fnode.io/broker-url` or the configured default. */
  url: string;
  deliver: Deliver;
  /** This node's id: a consumer name unique in the cluster. */
  nodeId: string;
  /** A name of this node that stays the same across its restarts (MQTT's persistent session). */
  nodeName: string;
  onError(err: unknown, context: string): void;
  /** Redis: claim entries pending this long on a consumer that died. */
  redeliverMs: number;
  /** Injected for tests of the schedule; Date.now by default. */
  now?: () => number;
}

/** Masks a URL's password for status answers and logs. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/** Retry delays after a failed connect: 0.5 s doubling to 15 s, with jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(15_000, 500 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Common state every adapter keeps for its status. */
export class SourceCounters {
  state: SourceStatus['state'] = 'connecting';
  delivered = 0;
  failed = 0;
  lastDeliveryAt: string | undefined;
  lastError: string | undefined;

  ok(): void {
    this.delivered++;
    this.lastDeliveryAt = new Date().toISOString();
  }

  snapshot(extra: Partial<SourceStatus> = {}): SourceStatus {
    return {
      state: this.state,
      delivered: this.delivered,
      failed: this.failed,
      ...(this.lastDeliveryAt ? { last_delivery_at: this.lastDeliveryAt } : {}),
      ...(this.lastError ? { last_error: this.lastError } : {}),
      ...extra,
    };
  }
}

/** Header names a message may carry to the function: HTTP tokens, fnode's own left to fnode. */
export function messageHeaders(entries: Iterable<[string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    const name = k.toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name) || name.startsWith('fn-') || HOP.has(name)) continue;
    if (v === undefined || v === null) continue;
    const text = Buffer.isBuffer(v)
      ? v.toString('utf8')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);
    if (/[\r\n]/.test(text) || text.includes('\0')) continue;
    out[name] = text;
  }
  return out;
}

const HOP = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade']);

/** Waits `ms`, or less when `signal` aborts (a source being stopped does not wait out its backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The broker's answer within `ms`, else undefined: a status never waits on a broker that hangs. */
export async function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
