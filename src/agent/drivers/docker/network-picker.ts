/** Spreads containers over FN_DOCKER_NETWORKS: each start takes the least-used network. */
export class NetworkPicker {
  private readonly used = new Map<string, number>();

  constructor(networks: readonly string[]) {
    for (const n of networks) this.used.set(n, 0);
  }

  /** The least-used network (first listed on ties), or undefined for Docker's default. */
  acquire(): string | undefined {
    let best: string | undefined;
    let min = Number.POSITIVE_INFINITY;
    for (const [n, count] of this.used) {
      if (count < min) {
        best = n;
        min = count;
      }
    }
    if (best !== undefined) this.used.set(best, min + 1);
    return best;
  }

  release(network: string | undefined): void {
    if (network === undefined) return;
    const count = this.used.get(network);
    if (count !== undefined && count > 0) this.used.set(network, count - 1);
  }
}
