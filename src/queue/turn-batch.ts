interface Pending<T> {
  item: T;
  done: (err?: unknown) => void;
}

/**
 * Groups the items added within one run of promise jobs into one write: the pushes that follow a
 * group insert of async calls are continuations of it, so the queue gets them in one round trip
 * instead of one each. The write starts on `process.nextTick`, which runs once the pending
 * promise jobs have all run, so it costs no turn of the event loop. Writes do not wait for each
 * other (measured on the enqueue path: waiting for the previous write, or for `setImmediate`,
 * made larger groups but slower calls); a group's own chunks go one after the other, in order.
 * Each `add` resolves once the write that carries its item has succeeded, and rejects with its
 * error.
 */
export class TurnBatch<T> {
  private pending: Pending<T>[] = [];
  private scheduled = false;
  private writing = 0;
  private idlers: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    /** Most items per write (statement parameters and script arguments are bounded). */
    private readonly maxItems: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (this.scheduled) return;
      this.scheduled = true;
      process.nextTick(() => void this.flush());
    });
  }

  /** Resolves once every item added so far has been written (or has failed): before a close. */
  idle(): Promise<void> {
    if (this.writing === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idlers.push(resolve));
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    this.writing++;
    for (let i = 0; i < all.length; i += this.maxItems) {
      const group = all.slice(i, i + this.maxItems);
      try {
        await this.write(group.map((g) => g.item));
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.done(err ?? new Error('queue write failed'));
      }
    }
    this.writing--;
    if (this.writing > 0 || this.scheduled) return;
    const idlers = this.idlers;
    this.idlers = [];
    for (const resolve of idlers) resolve();
  }
}
