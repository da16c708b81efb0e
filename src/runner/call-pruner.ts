import { setTimeout as delay } from 'node:timers/promises';
import type { Datastore } from '../datastore/index.js';
import { CallRetentionAnnotation, effectiveRetentionSecs } from '../models/index.js';

export interface CallPrunerOptions {
  datastore: Pick<
    Datastore,
    'removeOldCalls' | 'removeLogs' | 'removeOldClaims' | 'getFnsWithAnnotation' | 'reclaimSpace'
  >;
  /** FNODE_CALL_RETENTION_SECS: 0 keeps calls forever (unless a fn's annotation says less). */
  retentionSecs: number;
  /** Epoch ms; injectable so that tests need not wait for calls to age. */
  now?: () => number;
  /** Most rows per statement (default 1000); fewer while a batch takes longer than `batchMs`. */
  batchSize?: number;
  /** What a batch should take at most (default 5 ms): on SQLite it holds the event loop that long. */
  batchMs?: number;
  /**
   * Shortest pause between batches (default 10 ms); at least 3 times the last batch's time, so
   * that the API's and the calls' queries have the database (and the event loop) most of the time.
   */
  pauseMs?: number;
  /** Longest time between passes (default 60 s; shorter for a short retention). */
  maxIntervalMs?: number;
  onError?: (err: unknown) => void;
  /** After each batch of calls removed: how many. */
  onBatch?: (removed: number) => void;
}

export interface PruneResult {
  calls: number;
  claims: number;
  batches: number;
}

/** Free pages given back per step (4 KiB each): a few milliseconds of SQLite's work. */
const RECLAIM_PAGES = 128;
const MIN_BATCH = 50;
const MIN_INTERVAL_MS = 100;

/**
 * Retention (issue 18): removes call records, their logs and stored async responses once past
 * the server's retention or their fn's shorter `fnode.io/call-retention-secs`, and expired
 * Idempotency-Key claims. Calls not yet final are kept. Work runs in the background in batches
 * of bounded statements with a pause between them, so that it never holds the database (or,
 * on SQLite, the event loop) for longer than one short statement.
 */
export class CallPruner {
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly batchMs: number;
  private readonly pauseMs: number;
  /** Rows per statement now, between MIN_BATCH and batchSize. */
  private rows: number;
  private readonly maxIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private closed = false;
  /** The shortest retention seen in the last pass, in ms (0 = none): passes come a tenth of it apart. */
  private shortestMs = 0;

  constructor(private readonly opts: CallPrunerOptions) {
    this.now = opts.now ?? Date.now;
    this.batchSize = opts.batchSize ?? 1000;
    this.rows = this.batchSize;
    this.batchMs = opts.batchMs ?? 5;
    this.pauseMs = opts.pauseMs ?? 10;
    this.maxIntervalMs = opts.maxIntervalMs ?? 60_000;
  }

  /** Passes from now on, the first one at once. */
  start(): void {
    this.schedule(0);
  }

  /** One pass; concurrent calls share it. */
  runOnce(): Promise<PruneResult> {
    const pass = (this.running as Promise<PruneResult> | undefined) ?? this.pass();
    this.running = pass;
    return pass.finally(() => {
      if (this.running === pass) this.running = undefined;
    });
  }

  /** Stops the passes; a pass under way ends after its current statement. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((err: unknown) => this.opts.onError?.(err))
        .finally(() => this.schedule(this.interval()));
    }, ms);
    this.timer.unref();
  }

  private interval(): number {
    if (this.shortestMs === 0) return this.maxIntervalMs;
    return Math.min(this.maxIntervalMs, Math.max(MIN_INTERVAL_MS, Math.floor(this.shortestMs / 10)));
  }

  private async pass(): Promise<PruneResult> {
    const result: PruneResult = { calls: 0, claims: 0, batches: 0 };
    if (this.closed) return result;
    const now = this.now();
    const server = this.opts.retentionSecs;
    const targets: { fnId?: string; secs: number }[] = server > 0 ? [{ secs: server }] : [];
    for (const fn of await this.opts.datastore.getFnsWithAnnotation(CallRetentionAnnotation)) {
      const secs = effectiveRetentionSecs(server, fn.annotations);
      if (secs > 0 && (server === 0 || secs < server)) targets.push({ fnId: fn.id, secs });
    }
    this.shortestMs = targets.length === 0 ? 0 : Math.min(...targets.map((t) => t.secs)) * 1000;
    for (const t of targets) {
      const before = new Date(now - t.secs * 1000).toISOString();
      await this.removeCalls(before, t.fnId, result);
    }
    if (server > 0) {
      const before = new Date(now - server * 1000).toISOString();
      while (!this.closed) {
        const limit = this.rows;
        const n = await this.timed(() => this.opts.datastore.removeOldClaims(before, limit));
        result.claims += n;
        if (n < limit) break;
      }
    }
    while (
      !this.closed &&
      (await this.timed(() => this.opts.datastore.reclaimSpace(RECLAIM_PAGES), false)) > 0
    );
    return result;
  }

  private async removeCalls(before: string, fnId: string | undefined, result: PruneResult): Promise<void> {
    let afterId: string | undefined;
    while (!this.closed) {
      const limit = this.rows;
      const ids = await this.timed(async () => {
        const removed = await this.opts.datastore.removeOldCalls({
          createdBefore: before,
          limit,
          ...(fnId !== undefined ? { fnId } : {}),
          ...(afterId !== undefined ? { afterId } : {}),
        });
        await this.opts.datastore.removeLogs(removed);
        return removed;
      });
      if (ids.length === 0) return;
      result.calls += ids.length;
      result.batches++;
      this.opts.onBatch?.(ids.length);
      if (ids.length < limit) return;
      afterId = ids[ids.length - 1];
      await this.timed(() => this.opts.datastore.reclaimSpace(RECLAIM_PAGES), false);
    }
  }

  /**
   * Runs one batch, then pauses: at least `pauseMs`, and 3 times what the batch took. With
   * `adapt`, the next batch takes half the rows when this one took longer than `batchMs`, more
   * when it was far quicker.
   */
  private async timed<T>(batch: () => Promise<T>, adapt = true): Promise<T> {
    const started = performance.now();
    const out = await batch();
    const took = performance.now() - started;
    // Fixed work (reclaiming pages) leaves the batch size alone; only its pause follows its time.
    if (adapt && took > this.batchMs) this.rows = Math.max(MIN_BATCH, Math.floor(this.rows / 2));
    else if (adapt && took < this.batchMs / 2)
      this.rows = Math.min(this.batchSize, Math.ceil(this.rows * 1.25));
    await delay(Math.max(this.pauseMs, 3 * took));
    return out;
  }
}
