import { Resync } from '../cluster/index.js';
import type { EventsConfig } from '../config/index.js';
import type { Datastore } from '../datastore/index.js';
import {
  type App,
  type EventTriggerType,
  EventAnnotations,
  type Fn,
  isEventTriggerType,
  stringAnnotation,
  type Trigger,
} from '../models/index.js';
import type { AsyncCalls } from '../runner/index.js';
import {
  errorText,
  type EventMessage,
  type EventSource,
  type SourceContext,
  type SourceStatus,
} from './event-source.js';
import { sourceFor } from './source-factory.js';

export interface TriggerSourcesOptions {
  datastore: Pick<Datastore, 'getApps' | 'getTriggers'>;
  /** The invoke path's cached lookups (edits clear them on every node). */
  lookup: { app(id: string): Promise<App>; fn(id: string): Promise<Fn> };
  calls: Pick<AsyncCalls, 'enqueue'>;
  config: EventsConfig;
  /** Unique per node and start: the consumer name in broker consumer groups. */
  nodeId: string;
  /** Stays the same across restarts of this node (host and port). */
  nodeName: string;
  onError(err: unknown, context: string): void;
  /** A full pass also runs this often, for edits no event reached this node about. */
  resyncMs?: number;
  debounceMs?: number;
  /** Injected for tests: builds the source of a trigger. */
  createSource?: (ctx: SourceContext) => EventSource;
  now?: () => number;
}

interface Running {
  fingerprint: string;
  trigger: Trigger;
  source: EventSource;
}

/** Totals per type since the node started, for metrics. */
export interface EventTotals {
  queued: number;
  failed: number;
}

const PAGE = 100;

/**
 * The supervisor of event sources: reconciles the sources running on this node with the event
 * triggers in the datastore at start, after every edit (here or, through the cluster bus, on
 * another node), and every `resyncMs`. A trigger whose fn, source or annotations changed gets a
 * new source; a deleted one is stopped. Every node runs every trigger: the brokers' consumer
 * groups and the idempotency keys make each message and tick one call.
 */
export class TriggerSources {
  private readonly running = new Map<string, Running>();
  private readonly totals = new Map<EventTriggerType, EventTotals>();
  private readonly resync: Resync;

  constructor(private readonly opts: TriggerSourcesOptions) {
    this.resync = new Resync(() => this.reconcile(), {
      everyMs: opts.resyncMs ?? 30_000,
      ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
      onError: (err) => opts.onError(err, 'event triggers: reading the triggers'),
    });
  }

  /** A reconcile soon (edits close together make one). */
  schedule(): void {
    this.resync.schedule();
  }

  /** One reconcile now (passes asked for meanwhile make one more after it). */
  sync(): Promise<void> {
    return this.resync.sync();
  }

  async close(): Promise<void> {
    await this.resync.close();
    await Promise.all([...this.running.values()].map((r) => this.stopQuietly(r)));
    this.running.clear();
  }

  /** The status of a trigger's source on this node, or undefined when it runs none. */
  async status(triggerId: string): Promise<SourceStatus | undefined> {
    return this.running.get(triggerId)?.source.status();
  }

  /** Every running source's type and status. */
  async statuses(): Promise<{ trigger: Trigger; status: SourceStatus }[]> {
    return Promise.all(
      [...this.running.values()].map(async (r) => ({ trigger: r.trigger, status: await r.source.status() })),
    );
  }

  eventTotals(): ReadonlyMap<EventTriggerType, EventTotals> {
    return this.totals;
  }

  private async reconcile(): Promise<void> {
    const wanted = await this.eventTriggers();
    for (const [id, r] of this.running) {
      const t = wanted.get(id);
      if (t && fingerprint(t) === r.fingerprint) continue;
      this.running.delete(id);
      await this.stopQuietly(r);
    }
    for (const [id, t] of wanted) {
      if (this.resync.isClosed || this.running.has(id)) continue;
      const source = this.create(t);
      this.running.set(id, { fingerprint: fingerprint(t), trigger: t, source });
      await source.start().catch((err: unknown) => this.opts.onError(err, `event trigger ${id}: start`));
    }
  }

  private async eventTriggers(): Promise<Map<string, Trigger>> {
    const ds = this.opts.datastore;
    const out = new Map<string, Trigger>();
    let appCursor: string | undefined;
    do {
      const apps = await ds.getApps({ perPage: PAGE, ...(appCursor ? { cursor: appCursor } : {}) });
      for (const app of apps.items) {
        let cursor: string | undefined;
        do {
          const page = await ds.getTriggers({ appId: app.id, perPage: PAGE, ...(cursor ? { cursor } : {}) });
          for (const t of page.items) if (isEventTriggerType(t.type)) out.set(t.id, t);
          cursor = page.nextCursor;
        } while (cursor);
      }
      appCursor = apps.nextCursor;
    } while (appCursor);
    return out;
  }

  private create(trigger: Trigger & { type: string }): EventSource {
    const type = trigger.type as EventTriggerType;
    const ctx: SourceContext = {
      trigger,
      url: stringAnnotation(trigger.annotations, EventAnnotations.brokerUrl) ?? this.defaultUrl(type),
      deliver: (msg) => this.deliver(trigger, type, msg),
      nodeId: this.opts.nodeId,
      nodeName: this.opts.nodeName,
      onError: this.opts.onError,
      redeliverMs: this.opts.config.redeliverSecs * 1000,
      ...(this.opts.now ? { now: this.opts.now } : {}),
    };
    return (this.opts.createSource ?? sourceFor)(ctx);
  }

  /** Stores the call and queues it (awaited): only then may the source acknowledge. */
  private async deliver(trigger: Trigger, type: EventTriggerType, msg: EventMessage): Promise<void> {
    const totals = this.totals.get(type) ?? { queued: 0, failed: 0 };
    this.totals.set(type, totals);
    try {
      const fn = await this.opts.lookup.fn(trigger.fn_id);
      const app = await this.opts.lookup.app(fn.app_id);
      await this.opts.calls.enqueue(
        {
          app,
          fn,
          triggerId: trigger.id,
          headers: msg.headers,
          body: msg.body,
          method: 'POST',
          url: `${type}:${msg.subject}`,
          delaySecs: 0,
          priority: 0,
        },
        msg.key,
      );
      totals.queued++;
    } catch (err) {
      totals.failed++;
      throw err;
    }
  }

  private defaultUrl(type: EventTriggerType): string {
    const c = this.opts.config;
    switch (type) {
      case 'nats':
        return c.natsUrl;
      case 'amqp':
        return c.amqpUrl;
      case 'mqtt':
        return c.mqttUrl;
      case 'redis-stream':
        return c.redisUrl;
      default:
        return '';
    }
  }

  private async stopQuietly(r: Running): Promise<void> {
    await r.source.stop().catch((err: unknown) => {
      this.opts.onError(err, `event trigger ${r.trigger.id}: stop (${errorText(err)})`);
    });
  }
}

function fingerprint(t: Trigger): string {
  return JSON.stringify([t.fn_id, t.source, t.annotations ?? {}]);
}
