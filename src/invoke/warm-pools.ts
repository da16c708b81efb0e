import { type FunctionSpec, specFor } from '../agent/index.js';
import { Resync } from '../cluster/index.js';
import type { Datastore } from '../datastore/index.js';
import { fnodeAnnotation } from '../models/index.js';

export interface WarmPoolsOptions {
  datastore: Datastore;
  /** The agent's keepWarm: the specs to keep min-hot containers of. */
  keepWarm(specs: FunctionSpec[]): void;
  onError?: (err: unknown) => void;
  /** A full pass also runs this often, for edits made where no event reaches this node. */
  resyncMs?: number;
  /** Edits close together make one pass. */
  debounceMs?: number;
}

const PAGE = 100;

/**
 * Finds the fns annotated `fnode.io/min-hot` and hands their specs to the agent: at start,
 * after every edit (on this node or, through the cluster bus, another), and every minute.
 * A pass reads every app's fns; it runs off the invoke path.
 */
export class WarmPools {
  private readonly resync: Resync;

  constructor(private readonly opts: WarmPoolsOptions) {
    this.resync = new Resync(() => this.pass(), {
      everyMs: opts.resyncMs ?? 60_000,
      ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
      onError: (err) => opts.onError?.(err),
    });
  }

  /** A pass soon (edits close together make one). */
  schedule(): void {
    this.resync.schedule();
  }

  /** One pass now; resolves when the agent has the specs (its containers start after). */
  sync(): Promise<void> {
    return this.resync.sync();
  }

  close(): void {
    void this.resync.close();
  }

  private async pass(): Promise<void> {
    const ds = this.opts.datastore;
    const specs: FunctionSpec[] = [];
    let appCursor: string | undefined;
    do {
      const apps = await ds.getApps({ perPage: PAGE, ...(appCursor ? { cursor: appCursor } : {}) });
      for (const app of apps.items) {
        let fnCursor: string | undefined;
        do {
          const fns = await ds.getFns({
            appId: app.id,
            perPage: PAGE,
            ...(fnCursor ? { cursor: fnCursor } : {}),
          });
          for (const fn of fns.items)
            if (fnodeAnnotation(fn.annotations, 'minHot') > 0) specs.push(specFor(app, fn));
          fnCursor = fns.nextCursor;
        } while (fnCursor);
      }
      appCursor = apps.nextCursor;
    } while (appCursor);
    if (!this.resync.isClosed) this.opts.keepWarm(specs);
  }
}
