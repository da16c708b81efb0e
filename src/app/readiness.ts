import type { Datastore } from '../datastore/index.js';
import type { MessageQueue } from '../queue/index.js';
import type { ReadinessCheck } from '../server/index.js';

/** The datastore answers a query. */
export function datastoreCheck(store: Pick<Datastore, 'getApps'>): ReadinessCheck {
  return {
    name: 'datastore',
    check: async () => {
      await store.getApps({ perPage: 1 });
      return undefined;
    },
  };
}

/** The Docker Engine answers (functions cannot run without it). */
export function dockerCheck(ping: () => Promise<unknown>): ReadinessCheck {
  return {
    name: 'docker',
    check: async () => {
      await ping();
      return undefined;
    },
  };
}

/**
 * The queue answers, and its backlog is not older than `maxAgeSecs` (0 = any age): older means
 * async calls arrive faster than this node (or cluster) runs them, which only more runners or
 * capacity fix.
 */
export function queueCheck(queue: Pick<MessageQueue, 'backlog'>, maxAgeSecs: number): ReadinessCheck {
  return {
    name: 'queue',
    check: async () => {
      const b = await queue.backlog();
      const ageSecs = b.oldestReadyAgeMs / 1000;
      if (maxAgeSecs <= 0 || ageSecs <= maxAgeSecs) return undefined;
      return (
        `the oldest of ${b.ready} queued async calls has waited ${ageSecs.toFixed(0)} s ` +
        `(FNODE_READY_MAX_QUEUE_AGE_SECS is ${maxAgeSecs}): add runner nodes or memory`
      );
    },
  };
}
