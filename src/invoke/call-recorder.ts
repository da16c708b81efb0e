import type { CallLog, Datastore } from '../datastore/index.js';
import type { Call } from '../models/index.js';

export interface CallRecorderOptions {
  store: Pick<Datastore, 'insertCalls' | 'insertLogs'>;
  /** How long a record may wait before its batch is written, after a quiet spell (default 20 ms). */
  flushMs?: number;
  /**
   * Under steady traffic, the least time from one write to the next (default 100 ms). Each write
   * rewrites the pages it touches, the indexes' included (SQLite: a WAL frame of 4 KiB each, on
   * the event loop): a batch of 100 ms of calls costs the same index pages as one of 20 ms.
   */
  minFlushIntervalMs?: number;
  maxBatch?: number;
  /**
   * Rows per insert, each on its own turn of the event loop (default 64): a batch is written in
   * such slices so that no write holds up the calls for long (SQLite writes on the event loop).
   */
  sliceRows?: number;
  /** A batch could not be written: the ids of its calls (for the log lines about them). */
  onError?: (err: unknown, callIds: string[]) => void;
  /** Whether a write error means the store is away for now: such batches are written again later. */
  isTransient?: (err: unknown) => boolean;
  /** Records and logs kept in memory at most while the store is away (default 100,000). */
  maxHeld?: number;
}

/** Where one kind of row (logs, records) is written, and how a batch goes back in line. */
interface Sink<T> {
  idOf: (item: T) => string;
  write: (batch: T[]) => Promise<void>;
  requeue: (batch: T[]) => void;
}

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 15_000;

/**
 * Writes call records and logs off the invoke path: calls are queued in memory and written in
 * batches, one multi-row insert of logs and one of records per flush, so no response ever waits
 * on the database.
 */
export class CallRecorder {
  private calls: Call[] = [];
  private logs: CallLog[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly minIntervalMs: number;
  private readonly maxBatch: number;
  private readonly sliceRows: number;
  /** Date.now() of the last flush. */
  private lastFlush = 0;
  /** While the store is away: the wait before the next try (0 when it is fine). */
  private backoffMs = 0;
  private readonly maxHeld: number;

  constructor(private readonly opts: CallRecorderOptions) {
    this.flushMs = opts.flushMs ?? 20;
    this.minIntervalMs = Math.max(this.flushMs, opts.minFlushIntervalMs ?? 100);
    this.maxBatch = opts.maxBatch ?? 500;
    this.sliceRows = Math.max(1, opts.sliceRows ?? 64);
    this.maxHeld = opts.maxHeld ?? 100_000;
  }

  record(call: Call, log?: string): void {
    this.calls.push(call);
    if (log !== undefined) this.logs.push({ callId: call.id, log });
    if (this.calls.length >= this.maxBatch && this.backoffMs === 0) void this.flush();
    else
      this.schedule(Math.max(this.flushMs, this.lastFlush + this.minIntervalMs - Date.now(), this.backoffMs));
  }

  /** Writes everything queued so far; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = Date.now();
    const calls = this.calls;
    const logs = this.logs;
    this.calls = [];
    this.logs = [];
    if (calls.length === 0 && logs.length === 0) return this.writing;
    // Logs first: a client that sees a call's record (polling it until it is final) finds its
    // log. A log store that fails costs the logs, never the records.
    this.writing = this.writing.then(async () => {
      await this.inSlices(logs, this.logSink);
      await this.inSlices(calls, this.callSink);
    });
    return this.writing;
  }

  private readonly logSink: Sink<CallLog> = {
    idOf: (l) => l.callId,
    write: (batch) => this.opts.store.insertLogs(batch),
    requeue: (batch) => this.logs.unshift(...batch),
  };

  private readonly callSink: Sink<Call> = {
    idOf: (c) => c.id,
    write: (batch) => this.opts.store.insertCalls(batch),
    requeue: (batch) => this.calls.unshift(...batch),
  };

  /**
   * Writes the batch in slices of `sliceRows`, each on a later turn of the event loop than the
   * one before: SQLite writes on the event loop, and a whole 100 ms batch in one insert held the
   * calls up for milliseconds (and each new batch size was a new statement to prepare).
   */
  private async inSlices<T>(batch: T[], sink: Sink<T>): Promise<void> {
    for (let i = 0; i < batch.length; i += this.sliceRows) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      await this.attempt(batch.slice(i, i + this.sliceRows), sink);
    }
  }

  /**
   * Writes a non-empty batch; a failure is reported with the batch's call ids, never thrown. A
   * batch the database could not take for being away goes back in line (the writes are upserts),
   * up to `maxHeld` records in memory.
   */
  private async attempt<T>(batch: T[], sink: Sink<T>): Promise<void> {
    if (batch.length === 0) return;
    try {
      await sink.write(batch);
      this.backoffMs = 0;
    } catch (err) {
      const transient = this.opts.isTransient?.(err) === true;
      // One item the database refuses (a value too large for a column, say) must not cost the
      // rest of its batch: each is written on its own then, and only the refused ones are lost.
      if (!transient && batch.length > 1 && (await this.oneByOne(batch, sink))) return;
      this.opts.onError?.(err, batch.map(sink.idOf));
      if (!transient || this.calls.length + this.logs.length >= this.maxHeld) return;
      this.retryLater(() => sink.requeue(batch));
    }
  }

  /**
   * Writes each item of a refused batch on its own: those refused again are reported (or, if the
   * store went away meanwhile, written again later). False when every item was refused for good
   * (the store refuses them all: one report for the batch, from the caller).
   */
  private async oneByOne<T>(batch: T[], sink: Sink<T>): Promise<boolean> {
    const refused: { item: T; err: unknown }[] = [];
    const away: T[] = [];
    for (const item of batch) {
      await sink.write([item]).catch((err: unknown) => {
        if (this.opts.isTransient?.(err)) away.push(item);
        else refused.push({ item, err });
      });
    }
    if (refused.length === batch.length) return false;
    for (const { item, err } of refused) this.opts.onError?.(err, [sink.idOf(item)]);
    if (away.length > 0) this.retryLater(() => sink.requeue(away));
    return true;
  }

  private retryLater(requeue: () => void): void {
    requeue();
    this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(FIRST_BACKOFF_MS, this.backoffMs * 2));
    this.schedule(this.backoffMs);
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }
}
