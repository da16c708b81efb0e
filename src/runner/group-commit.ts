/**
 * Collects the items submitted within one turn of the event loop and hands them to `flush` as
 * one batch (one transaction, one round trip); each submitter gets its own item's result. While
 * a batch is being written, what comes meanwhile waits and goes as the next batch: a database
 * that answers slower than calls come gets bigger batches, not more of them.
 */
export class GroupCommit<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly flush: (items: T[]) => Promise<readonly R[]>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length === 1 && !this.flushing) setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    this.flushing = true;
    try {
      const results = await this.flush(group.map((g) => g.item));
      for (const [i, g] of group.entries()) g.resolve(results[i] as R);
    } catch (err) {
      for (const g of group) g.reject(err);
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) setImmediate(() => void this.run());
    }
  }
}
