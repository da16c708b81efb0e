/**
 * Retires idle containers, least recently used first, other than those of the slot `exceptKey`,
 * until `bytes` will have been freed; returns the bytes it began to free.
 */
export type IdleEvictor = (bytes: number, exceptKey: string | undefined) => number;

/**
 * Memory tokens: a container's memory is reserved before it starts and given back when it is
 * gone, so the agent never starts more than the machine (or FN_MAX_TOTAL_MEMORY_BYTES) holds.
 */
export class ResourceTracker {
  private used = 0;
  private readonly waiters = new Set<() => void>();
  private readonly evictors: IdleEvictor[] = [];

  constructor(readonly totalBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** True if `bytes` can ever fit, however much is freed. */
  fits(bytes: number): boolean {
    return bytes <= this.totalBytes;
  }

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.totalBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    for (const w of [...this.waiters]) w();
  }

  /** Each agent drawing on this budget lends its idle containers to the others' needs. */
  addEvictor(evictor: IdleEvictor): void {
    this.evictors.push(evictor);
  }

  /**
   * Makes room for `bytes` by retiring idle containers of every agent on this budget (not those
   * of `exceptKey`). Their memory comes back when they are removed (see onRelease). True if any
   * was retired.
   */
  evictIdleFor(bytes: number, exceptKey?: string): boolean {
    let need = bytes - (this.totalBytes - this.used);
    let any = false;
    for (const evict of this.evictors) {
      if (need <= 0) break;
      const freed = evict(need, exceptKey);
      if (freed > 0) any = true;
      need -= freed;
    }
    return any;
  }

  /** Called (synchronously) after every release; returns an unsubscribe function. */
  onRelease(listener: () => void): () => void {
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }
}
