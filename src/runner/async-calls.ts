import type { Datastore } from '../datastore/index.js';
import { ApiError, type Call, isError, isFinalStatus } from '../models/index.js';
import type { MessageQueue } from '../queue/index.js';
import { type AsyncRequest, followUpCall, newAsyncCall, remainingDelayMs } from './async-call.js';
import { GroupCommit } from './group-commit.js';

export interface AsyncCallsOptions {
  datastore: Datastore;
  queue: MessageQueue;
  /** How long an Idempotency-Key answers with the same call. */
  idempotencyWindowSecs: number;
  /** Called after every push (the local runner wakes at once). */
  onPushed?: () => void;
}

export const errCallNotCancellable = (status: string) =>
  new ApiError(409, `Call cannot be cancelled: it is ${status} (only queued or delayed calls can be)`);
export const errCallNotDeadLettered = () =>
  new ApiError(409, 'Call is not a dead letter: only dead-lettered calls can be redriven');

/** The async calls service: accept (durably, then enqueue), cancel and redrive. */
export class AsyncCalls {
  /**
   * Group commit: the calls accepted within one turn of the event loop are written with one
   * multi-row insert; each request still waits for its row to be stored before its 202.
   */
  private readonly inserts: GroupCommit<Call, void>;

  constructor(private readonly opts: AsyncCallsOptions) {
    this.inserts = new GroupCommit<Call, void>(async (calls) => {
      await opts.datastore.insertCalls(calls);
      return calls.map(() => undefined);
    });
  }

  /**
   * Stores the call (awaited), then pushes its id. With an idempotency key seen within the
   * window, returns the first call's id and enqueues nothing.
   */
  async enqueue(req: AsyncRequest, idempotencyKey?: string): Promise<{ id: string; created: boolean }> {
    const now = Date.now();
    const call = newAsyncCall(req, now);
    const claim = idempotencyKey
      ? {
          key: idempotencyKey,
          notBefore: new Date(now - this.opts.idempotencyWindowSecs * 1000).toISOString(),
        }
      : undefined;
    const stored = claim
      ? await this.opts.datastore.insertAsyncCall(call, claim)
      : await this.inserts.submit(call).then(() => ({ id: call.id, created: true }));
    if (stored.created) await this.push(call);
    return stored;
  }

  /** Pushes a stored queued/delayed call with what is left of its delay (idempotent). */
  async push(call: Call): Promise<void> {
    const delayMs = remainingDelayMs(call);
    await this.opts.queue.push({ id: call.id, priority: call.priority ?? 0 }, delayMs);
    // A delayed job is found by the runner's poll; waking it now would only cost a reserve.
    if (delayMs === 0) this.opts.onPushed?.();
  }

  /** queued | delayed -> cancelled (client_request); the job leaves the queue. 409 otherwise. */
  async cancel(fnId: string, callId: string): Promise<Call> {
    const call = await this.opts.datastore.getCall(fnId, callId);
    if (call.status !== 'queued' && call.status !== 'delayed') throw errCallNotCancellable(call.status);
    const cancelled: Call = {
      ...call,
      status: 'cancelled',
      reason: 'client_request',
      completed_at: new Date().toISOString(),
    };
    try {
      await this.opts.datastore.updateCall(call, cancelled);
    } catch (err) {
      if (isError(err, 'DatastoreCannotUpdateCall')) {
        const now = await this.opts.datastore.getCall(fnId, callId);
        throw errCallNotCancellable(now.status);
      }
      throw err;
    }
    await this.opts.queue.remove(call.id);
    return cancelled;
  }

  /** Runs a dead-lettered call again as a new call (`retry_of` links them); returns its id. */
  async redrive(fnId: string, callId: string): Promise<string> {
    const call = await this.opts.datastore.getCall(fnId, callId);
    if (!call.dead_letter || !isFinalStatus(call.status)) throw errCallNotDeadLettered();
    if (!(await this.opts.datastore.clearDeadLetter(call.id))) throw errCallNotDeadLettered();
    const next = followUpCall(call, 'redrive', 0);
    await this.opts.datastore.insertAsyncCall(next);
    await this.push(next);
    return next.id;
  }
}
