/**
 * Tells the other nodes of a cluster that the control plane changed, so that they drop their
 * cached fn, app and trigger lookups at once instead of when the entries expire. Best effort:
 * a message lost while a connection is down only leaves the cache to its time limit.
 */
export interface InvalidationBus {
  /** Announces a write; never throws, never waits. */
  publish(): void;
  close(): Promise<void>;
}

export interface BusOptions {
  /** This node's id: its own announcements come back and are ignored. */
  nodeId: string;
  /** Another node wrote. */
  onInvalidate: () => void;
  onError: (err: unknown) => void;
}
