import { Gauge, type Registry } from 'prom-client';
import type { AgentStats } from '../agent/index.js';
import type { QueueBacklog } from '../queue/index.js';

// Gauges read when /metrics is scraped, never updated on a call's path.

/** The async queue's backlog; the queue is asked once per scrape, however many gauges read it. */
export function backlogGauges(
  registry: Registry,
  read: () => Promise<QueueBacklog>,
  timeoutMs: number,
): void {
  const registers = [registry];
  let last: { at: number; value: Promise<QueueBacklog | undefined> } | undefined;
  const sample = (): Promise<QueueBacklog | undefined> => {
    const now = Date.now();
    if (last && now - last.at < timeoutMs) return last.value;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), timeoutMs);
    });
    const value = Promise.race([read().catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
    last = { at: now, value };
    return value;
  };
  const gauge = (name: string, help: string, pick: (b: QueueBacklog) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const b = await sample();
        if (b) this.set(pick(b));
      },
    });
  gauge(
    'fnode_queue_depth',
    'Async calls waiting in the message queue, due or delayed (sampled at scrape)',
    (b) => b.ready + b.delayed,
  );
  gauge('fnode_async_queued', 'Async calls due and waiting for a runner (sampled at scrape)', (b) => b.ready);
  gauge(
    'fnode_async_delayed',
    'Async calls waiting for their Fn-Async-Delay (sampled at scrape)',
    (b) => b.delayed,
  );
  gauge(
    'fnode_async_oldest_queued_seconds',
    'How long the oldest due async call has waited for a runner (sampled at scrape)',
    (b) => b.oldestReadyAgeMs / 1000,
  );
}

/** The agent's calls, containers and memory, read at each scrape. */
export function agentGauges(registry: Registry, stats: () => AgentStats): void {
  const registers = [registry];
  const gauge = (name: string, help: string, read: (s: AgentStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(stats()));
      },
    });
  gauge('fn_queued', 'Calls waiting for a container (a gauge, unlike Fn)', (s) => s.waiting);
  gauge('fn_running', 'Calls running on a container (a gauge, unlike Fn)', (s) => s.busy);
  gauge('fn_container_busy', 'Hot containers serving a call', (s) => s.busy);
  gauge('fn_container_idle', 'Hot containers waiting for a call', (s) => s.containers - s.busy);
  gauge('fn_container_starting', 'Containers being started', (s) => s.starting);
  gauge('fn_util_mem_used', 'Memory reserved by containers (bytes)', (s) => s.memoryUsedBytes);
  gauge(
    'fn_util_mem_avail',
    'Memory left for containers (bytes)',
    (s) => s.memoryTotalBytes - s.memoryUsedBytes,
  );
}
