import { Counter, Gauge, type Registry } from 'prom-client';

/** What the event sources of a node tell at scrape time (issue 17). */
export interface EventSourcesSample {
  /** One entry per running source: its trigger type and state. */
  sources: { type: string; state: string }[];
  /** Per type since start: messages queued as calls, and those whose queueing failed. */
  totals: { type: string; queued: number; failed: number }[];
}

/**
 * `fnode_event_sources{type,state}` (gauge) and `fnode_event_messages_total{type,outcome}`
 * (counter), both read from the sources at scrape: nothing is updated on the delivery path.
 */
export function eventMetrics(registry: Registry, read: () => Promise<EventSourcesSample | undefined>): void {
  const registers = [registry];
  let pending: Promise<EventSourcesSample | undefined> | undefined;
  // Both metrics of one scrape share one read.
  const sample = () => {
    pending ??= read()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  new Gauge({
    name: 'fnode_event_sources',
    help: 'Event trigger sources on this node by type and state (running, reconnecting, ...)',
    labelNames: ['type', 'state'],
    registers,
    async collect() {
      const s = await sample();
      this.reset();
      for (const { type, state } of s?.sources ?? []) this.inc({ type, state });
    },
  });
  new Counter({
    name: 'fnode_event_messages_total',
    help: 'Broker messages and schedule ticks handed to the async queue, by type and outcome (queued, failed)',
    labelNames: ['type', 'outcome'],
    registers,
    async collect() {
      const s = await sample();
      this.reset();
      for (const { type, queued, failed } of s?.totals ?? []) {
        this.inc({ type, outcome: 'queued' }, queued);
        this.inc({ type, outcome: 'failed' }, failed);
      }
    },
  });
}
