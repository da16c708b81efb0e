import type { CallChange, CallLog, Datastore } from '../datastore/index.js';
import type { MessageQueue, Reservation } from '../queue/index.js';
import { GroupCommit } from './group-commit.js';

/**
 * The async runner's writes, each kind grouped per turn of the event loop: the calls' state
 * changes (with responses and retries) in one transaction, their logs in one insert, and the
 * queue acknowledgements in one round trip. Calls that end together cost one write of each.
 */
export class CallWrites {
  private readonly changes: GroupCommit<CallChange, boolean>;
  private readonly logs: GroupCommit<CallLog, void>;
  private readonly acks: GroupCommit<Reservation, boolean>;

  constructor(datastore: Pick<Datastore, 'applyCallChanges' | 'insertLogs'>, queue: MessageQueue) {
    this.changes = new GroupCommit((cs) => datastore.applyCallChanges(cs));
    this.logs = new GroupCommit<CallLog, void>(async (logs) => {
      await datastore.insertLogs(logs);
      return logs.map(() => undefined);
    });
    this.acks = new GroupCommit(async (rs) => {
      const held = new Set(await queue.deleteMany(rs));
      return rs.map((r) => !held.has(r.job.id));
    });
  }

  /** Resolves whether the change applied (the call still had `from.status`). */
  change(c: CallChange): Promise<boolean> {
    return this.changes.submit(c);
  }

  log(l: CallLog): Promise<void> {
    return this.logs.submit(l);
  }

  /** Resolves false when a newer reservation holds the job (its holder acknowledges it). */
  ack(r: Reservation): Promise<boolean> {
    return this.acks.submit(r);
  }
}
