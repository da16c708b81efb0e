import { randomUUID } from 'node:crypto';
import type { AgentConfig } from '../config/index.js';
import { ApiError, ContainerStartError, Errors } from '../models/index.js';
import type { AgentObserver } from './agent-observer.js';
import type { Exchange } from './container-protocol.js';
import type { Container, Driver } from './drivers/index.js';
import { reservedBytes } from './function-spec.js';
import { HotContainer } from './hot-container.js';
import type { LaunchPolicy } from './launch-policy.js';
import type { ResourceTracker } from './resource-tracker.js';
import type { SlotQueue, Waiter } from './slot-queue.js';

/** What the agent does with a container once it is up, and how it keeps track of work. */
export interface StartsHost {
  /** A one-shot container goes to the call it was started for. */
  giveTo(q: SlotQueue, hc: HotContainer, w: Waiter): void;
  /** A hot container goes to the waiting calls, or idles. */
  handOff(q: SlotQueue, hc: HotContainer): void;
  retire(q: SlotQueue, hc: HotContainer): Promise<void>;
  /** After a start ended: kept-warm pools may start what they still miss. */
  refillWarm(): void;
  /** A kept-warm start failed with no call waiting: back off. */
  warmStartFailed(q: SlotQueue): void;
  track(p: Promise<unknown>): void;
  readonly closing: boolean;
}

export interface ContainerStartsOptions {
  driver: Driver;
  config: Pick<AgentConfig, 'maxStartingContainers' | 'hotStartTimeoutMsecs'>;
  tracker: ResourceTracker;
  policy: LaunchPolicy;
  observer: AgentObserver;
  host: StartsHost;
  onError?: (err: unknown, context: string) => void;
}

/**
 * Starting containers: memory is reserved before a start and given back when it fails; at most
 * FNODE_MAX_STARTING_CONTAINERS start at once, and the pools that wait for a start slot or for
 * memory ask again, oldest first, when one frees up.
 */
export class ContainerStarts {
  private inFlight = 0;
  private readonly slotWaiting = new Set<SlotQueue>();
  private readonly memoryWaiting = new Set<SlotQueue>();

  constructor(private readonly opts: ContainerStartsOptions) {}

  /** Starts containers for up to `demand` waiting calls of `q`, beyond those already starting. */
  launchNeeded(q: SlotQueue, demand = q.waiters.length): void {
    const bytes = reservedBytes(q.spec);
    while (demand > q.starting * q.capacity && !this.opts.host.closing) {
      const forWaiter = q.protocol.oneShot ? q.waiters.find((w) => !w.launched) : undefined;
      if (q.protocol.oneShot && !forWaiter) return;
      if (!this.slotFree(q)) return;
      if (!this.opts.tracker.tryReserve(bytes)) {
        this.opts.tracker.evictIdleFor(bytes, q.spec.slotKey);
        this.memoryWaiting.add(q);
        return;
      }
      q.starting++;
      if (forWaiter) forWaiter.launched = true;
      this.launch(q, bytes, forWaiter);
    }
  }

  /** A container no call waits for (min-hot); false when memory or start slots are short. */
  launchSpare(q: SlotQueue): boolean {
    if (this.opts.host.closing || !this.slotFree(undefined)) return false;
    const bytes = reservedBytes(q.spec);
    if (!this.opts.tracker.tryReserve(bytes)) return false;
    q.starting++;
    this.launch(q, bytes, undefined);
    return true;
  }

  /** Memory was given back: the pools that waited for it ask again. */
  memoryReleased(): void {
    for (const q of [...this.memoryWaiting]) {
      this.memoryWaiting.delete(q);
      this.launchNeeded(q);
    }
  }

  /** Closing: nothing waits for a start slot any more. */
  close(): void {
    this.slotWaiting.clear();
  }

  private slotFree(q: SlotQueue | undefined): boolean {
    if (this.inFlight < this.opts.config.maxStartingContainers) return true;
    if (q) this.slotWaiting.add(q);
    return false;
  }

  /** A start ended: the pools that waited for a start slot ask again, oldest first. */
  private ended(): void {
    this.inFlight--;
    for (const q of [...this.slotWaiting]) {
      if (this.inFlight >= this.opts.config.maxStartingContainers) return;
      this.slotWaiting.delete(q);
      // Calls served meanwhile by a container coming free need no start; the policy re-decides.
      const first = q.protocol.oneShot || q.all.size + q.starting === 0;
      this.launchNeeded(q, first ? q.waiters.length : this.opts.policy.demand(q));
    }
    this.opts.host.refillWarm();
  }

  private launch(q: SlotQueue, bytes: number, forWaiter: Waiter | undefined): void {
    const { driver, observer, host, tracker } = this.opts;
    const spec = q.spec;
    const startedAt = Date.now();
    this.inFlight++;
    const abort = forWaiter ? new AbortController() : undefined;
    const stopWaiting = forWaiter
      ? setTimeout(() => abort?.abort(), Math.max(0, forWaiter.call.deadline - Date.now()))
      : undefined;
    const p = driver
      .start(
        {
          id: randomUUID(),
          image: spec.image,
          memoryMB: spec.memoryMB,
          cpus: spec.cpus,
          startTimeoutMs: this.opts.config.hotStartTimeoutMsecs,
          ...(spec.tmpfsSizeMB ? { tmpfsSizeMB: spec.tmpfsSizeMB } : {}),
          ...q.protocol.containerOptions(spec, forWaiter?.call),
        },
        abort?.signal,
      )
      .then(
        async (container) => {
          observer.containerStarted(spec, container, startedAt);
          const exchange = q.protocol.open(container, spec);
          // Started ahead of its calls (min-hot, or for a demand gone meanwhile): readied for its
          // first call while still counted as starting, so a call that comes meanwhile waits for
          // it rather than asking for another container.
          if (!forWaiter && q.waiters.length === 0) await warmedUp(container, exchange);
          q.starting--;
          const hc = new HotContainer(container, bytes, exchange, q.capacity);
          q.all.add(hc);
          q.warmFailures = 0;
          void container.exited.then((exit) => {
            hc.exit = exit;
            if (!hc.busy) void host.retire(q, hc);
          });
          if (host.closing) void host.retire(q, hc);
          else if (forWaiter) host.giveTo(q, hc, forWaiter);
          else host.handOff(q, hc);
        },
        (err: unknown) => {
          q.starting--;
          observer.containerStartFailed(spec, err, startedAt);
          tracker.release(bytes);
          this.failWaiter(q, forWaiter, err);
          if (!(err instanceof ApiError) && !abort?.signal.aborted)
            this.opts.onError?.(err, 'container start');
          if (!q.protocol.oneShot && q.waiters.length > q.starting * q.capacity) this.launchNeeded(q);
        },
      )
      .finally(() => {
        clearTimeout(stopWaiting);
        this.ended();
      });
    host.track(p);
  }

  /** A failed start fails the call it was for, or the first call left without a container. */
  private failWaiter(q: SlotQueue, forWaiter: Waiter | undefined, err: unknown): void {
    const w = forWaiter ?? (q.waiters.length > q.starting * q.capacity ? q.waiters[0] : undefined);
    if (!w) {
      if (q.waiters.length === 0) this.opts.host.warmStartFailed(q);
      return;
    }
    q.removeWaiter(w);
    clearTimeout(w.timer);
    // The call's log tells what the container printed before it died.
    if (err instanceof ContainerStartError) for (const line of err.lines) w.call.onLog?.(line, 'stderr');
    const late = w.call.deadline <= Date.now();
    w.reject(
      err instanceof ApiError ? err : late ? Errors.CallTimeout.copy() : Errors.ContainerInitFail.copy(),
    );
  }
}

/**
 * Warms a container up (Exchange.warmUp) when its protocol can, keeping what the runtime prints
 * meanwhile (the Node FDK logs the 400 it answers) out of every call's log: the lines go to a
 * listener of their own until they have all been delivered. Best effort: never rejects.
 */
async function warmedUp(container: Container, exchange: Exchange): Promise<void> {
  if (!exchange.warmUp || !exchange.canWarmUp?.()) return;
  try {
    await container.setLogListener(discardLine);
    await exchange.warmUp();
    await container.setLogListener(undefined);
  } catch {
    // A container that died meanwhile is found by its exit, as any other.
  }
}

const discardLine = (): void => {};
