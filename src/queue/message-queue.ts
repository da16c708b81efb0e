/**
 * The MessageQueue port of seed 003, carrying call ids (the call itself lives in the
 * datastore). Jobs are never lost: a reserved job that is not deleted before its reservation
 * ends becomes visible again, ahead of jobs pushed after it.
 */
export interface QueueJob {
  /** The call id; pushing an id that is already queued is a no-op (idempotent). */
  id: string;
  /** 0 (low) to 2 (high); higher priorities are reserved first, FIFO within a priority. */
  priority: number;
}

export interface QueueBacklog {
  ready: number;
  delayed: number;
  oldestReadyAgeMs: number;
}

export interface Reservation {
  job: QueueJob;
  /** Proves this reservation; a delete with a stale token (the job was re-reserved) fails. */
  token: string;
  /** How many times the job has been reserved, this one included. */
  reservations: number;
}

export interface MessageQueue {
  /** Makes the job available after `delayMs` (0 = at once). */
  push(job: QueueJob, delayMs?: number): Promise<void>;
  /**
   * Takes the next available job and hides it for `visibilityMs`. Resolves undefined when no job
   * is available (it does not block).
   */
  reserve(visibilityMs: number): Promise<Reservation | undefined>;
  /** Keeps a reservation alive for another `visibilityMs` (long calls). False if it was lost. */
  extend(r: Reservation, visibilityMs: number): Promise<boolean>;
  /**
   * Acknowledges a reservation: the job is gone for good. Throws when the job is held by a newer
   * reservation; succeeds when the job no longer exists.
   */
  delete(r: Reservation): Promise<void>;
  /** Removes a job whatever its state (cancel). True if it was there. */
  remove(id: string): Promise<boolean>;
  /**
   * Takes up to `max` available jobs in queue order in one round trip, each hidden for
   * `visibilityMs`. Resolves [] when none is available.
   */
  reserveMany(max: number, visibilityMs: number): Promise<Reservation[]>;
  /**
   * Acknowledges several reservations in one round trip. Resolves the ids of the jobs held by a
   * newer reservation (left in place, as `delete` would throw for them); jobs already gone count
   * as acknowledged.
   */
  deleteMany(rs: readonly Reservation[]): Promise<string[]>;
  /** Jobs queued or delayed, not reserved. */
  depth(): Promise<number>;
  /**
   * Calls `listener` whenever the queue's server is back after a lost connection, when it may
   * have lost jobs (a Redis restarted without persistence): the caller pushes again what the
   * datastore says is queued. Durable queues (SQL) never call it.
   */
  onReconnect?(listener: () => void): void;
  /**
   * The backlog for metrics and readiness: jobs available now (not reserved), jobs waiting for
   * their delay, and how long the oldest available job has been available (ms; 0 when none).
   */
  backlog(): Promise<QueueBacklog>;
  close(): Promise<void>;
}
