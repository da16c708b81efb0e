import type { AgentCall, FunctionSpec } from './function-spec.js';
import type { HotContainer } from './hot-container.js';

export interface Waiter {
  call: AgentCall;
  /** When the call started waiting (epoch ms). */
  since: number;
  resolve(hc: HotContainer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** The hot containers of one function spec and the calls waiting for one of them. */
export class SlotQueue {
  readonly idle: HotContainer[] = [];
  readonly waiters: Waiter[] = [];
  readonly all = new Set<HotContainer>();
  starting = 0;
  launchTimer: NodeJS.Timeout | undefined;

  constructor(readonly spec: FunctionSpec) {}

  /** The most recently used idle container: its caches are warmest. */
  takeIdle(): HotContainer | undefined {
    const hc = this.idle.pop();
    if (!hc) return undefined;
    hc.disarmIdle();
    hc.busy = true;
    return hc;
  }

  dropIdle(hc: HotContainer): void {
    const i = this.idle.indexOf(hc);
    if (i >= 0) this.idle.splice(i, 1);
  }

  removeWaiter(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  get busyCount(): number {
    let n = 0;
    for (const hc of this.all) if (hc.busy) n++;
    return n;
  }

  get isUnused(): boolean {
    return this.all.size === 0 && this.starting === 0 && this.waiters.length === 0;
  }
}
