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
  /** A batch could not be written: the ids of its calls (for the log lines about them). */
  onError?: (err: unknown, callIds: string[]) => void;
}

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
  /** Date.now() of the last flush. */
  private lastFlush = 0;

  constructor(private readonly opts: CallRecorderOptions) {
    this.flushMs = opts.flushMs ?? 20;
    this.minIntervalMs = Math.max(this.flushMs, opts.minFlushIntervalMs ?? 100);
    this.maxBatch = opts.maxBatch ?? 500;
  }

  record(call: Call, log?: string): void {
    this.calls.push(call);
    if (log !== undefined) this.logs.push({ callId: call.id, log });
    if (this.calls.length >= this.maxBatch) void this.flush();
    else if (!this.timer) {
      const delay = Math.max(this.flushMs, this.lastFlush + this.minIntervalMs - Date.now());
      this.timer = setTimeout(() => void this.flush(), delay);
      this.timer.unref();
    }
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
      await this.attempt(
        logs,
        (l) => l.callId,
        (batch) => this.opts.store.insertLogs(batch),
      );
      await this.attempt(
        calls,
        (c) => c.id,
        (batch) => this.opts.store.insertCalls(batch),
      );
    });
    return this.writing;
  }

  /** Writes a non-empty batch; a failure is reported with the batch's call ids, never thrown. */
  private async attempt<T>(
    batch: T[],
    idOf: (item: T) => string,
    write: (batch: T[]) => Promise<void>,
  ): Promise<void> {
    if (batch.length === 0) return;
    try {
      await write(batch);
    } catch (err) {
      this.opts.onError?.(err, batch.map(idOf));
    }
  }
}
