import type { ApiError, CallReason } from '../models/index.js';
import type { Container, ContainerSpec } from './drivers/index.js';
import type { AgentCall, FunctionSpec } from './function-spec.js';
import type { FunctionResponse } from './http-stream.js';

/** A call that failed in the container: what to answer, why, and whether the container may serve again. */
export class ExchangeFailure extends Error {
  constructor(
    readonly error: ApiError,
    readonly reason: CallReason,
    readonly keep: boolean,
  ) {
    super(error.message);
  }
}

/** Talks to one started container. */
export interface Exchange {
  /**
   * Sends the call and resolves with the function's answer. Throws ExchangeFailure for an answer
   * that is a failure, CallDeadlineError past `timeoutMs`, any other error for a broken container.
   */
  send(call: AgentCall, timeoutMs: number): Promise<FunctionResponse>;
  /** Clears the container's log listener; resolves once the lines the call wrote have been delivered. */
  endLogs(): Promise<void>;
  /** Whether `warmUp` may be sent to this container (its FDK is known to take it). */
  canWarmUp?(): boolean;
  /**
   * Readies a container started ahead of its calls (`fnode.io/min-hot`) for its first one; never
   * runs the function. Resolves (never rejects) when done or given up.
   */
  warmUp?(): Promise<void>;
  close(): void;
}

/**
 * What differs between container formats: how a container is started and how a call crosses
 * into it. Everything else (slots, memory, launch policy, idle timeout, min-hot) is the agent's.
 */
export interface ContainerProtocol {
  /**
   * True: every call gets a container of its own, started with that call's environment and
   * removed after it (Fn v1's `default` format).
   */
  readonly oneShot: boolean;
  /** How many calls one container of `spec` takes at once. */
  capacity(spec: FunctionSpec): number;
  /** The format's part of the container spec; `call` is set for a one-shot container. */
  containerOptions(
    spec: FunctionSpec,
    call?: AgentCall,
  ): Pick<ContainerSpec, 'env' | 'labels'> & Partial<Pick<ContainerSpec, 'stdio' | 'oneShot'>>;
  open(container: Container, spec: FunctionSpec): Exchange;
}
