import type {
  App,
  AppPatch,
  Call,
  Fn,
  FnPatch,
  Route,
  Token,
  TokenScope,
  Trigger,
  TriggerPatch,
} from '../models/index.js';

/** One page of a list: `next_cursor` is set only when the page is full, as in Fn. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  /** An opaque cursor from a previous page (base64url of the last sort key). */
  cursor?: string;
  /** Already clamped by the caller (1..100). */
  perPage: number;
}

export interface AppFilter extends PageRequest {
  /** Exact name match. */
  name?: string;
}

export interface FnFilter extends PageRequest {
  appId: string;
  name?: string;
}

export interface TriggerFilter extends PageRequest {
  appId: string;
  fnId?: string;
  name?: string;
}

export interface RouteFilter extends PageRequest {
  image?: string;
}

export interface CallFilter extends PageRequest {
  fnId?: string;
  appId?: string;
  path?: string;
  /** Exclusive bounds on created_at, as unix seconds. */
  fromTime?: number;
  toTime?: number;
}

/** An `Idempotency-Key` to claim with an async call. */
export interface IdempotencyClaim {
  key: string;
  /** ISO time: a claim made before it has expired and is taken over by the new call. */
  notBefore: string;
}

/** The stored response of an async call. */
/** A call's log, as stored. */
export interface CallLog {
  callId: string;
  log: string;
}

export interface CallResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The body was cut at the size cap. */
  truncated: boolean;
}

/** One compare-and-swap of a call's stored state, with what must be stored with it. */
export interface CallChange {
  from: Call;
  to: Call;
  /** A new call stored with the change (an async retry). */
  next?: Call;
  /** The function's answer, stored with the change (async calls). */
  response?: CallResponse;
}

export interface DeadLetterFilter extends PageRequest {
  fnId: string;
}

/** A batch of old calls to remove (retention). */
export interface OldCallsFilter {
  /** ISO time: calls created before it. */
  createdBefore: string;
  /** Only this fn's calls. */
  fnId?: string;
  /** Resumes after this id: the last of the previous batch. */
  afterId?: string;
  limit: number;
}

export type NewApp = Pick<App, 'name'> &
  Partial<Pick<App, 'config' | 'annotations' | 'syslog_url' | 'shape'>>;
export type NewFn = Pick<Fn, 'name' | 'app_id' | 'image'> &
  Partial<Pick<Fn, 'memory' | 'timeout' | 'idle_timeout' | 'config' | 'annotations'>>;
export type NewTrigger = Pick<Trigger, 'name' | 'app_id' | 'fn_id' | 'type' | 'source'> &
  Partial<Pick<Trigger, 'annotations'>>;
export type NewRoute = Omit<Route, 'created_at' | 'updated_at'>;
export type RoutePatch = Partial<Omit<Route, 'app_id' | 'path' | 'created_at' | 'updated_at'>>;

/**
 * The Datastore port (seed 003/004). Implementations assign ids and timestamps, validate the
 * entity (with Fn's defaults applied) and enforce uniqueness and references, throwing Fn's
 * ApiErrors: 404 for a missing entity, 409 for a conflict, 400 for invalid input.
 */
export interface Datastore {
  /** Throws AppsAlreadyExists on a duplicate name. */
  insertApp(app: NewApp): Promise<App>;
  /** Merges config and annotations (an empty value deletes a key); throws AppsNotFound. */
  updateApp(id: string, patch: AppPatch): Promise<App>;
  /** Throws AppsNotFound. */
  getAppById(id: string): Promise<App>;
  /** Throws AppsNotFound. */
  getAppByName(name: string): Promise<App>;
  /** Sorted by name. */
  getApps(filter: AppFilter): Promise<Page<App>>;
  /** Removes the app with its fns, triggers, routes. Throws AppsNotFound. */
  removeApp(id: string): Promise<void>;

  /** Throws AppsNotFound, FnsExists. */
  insertFn(fn: NewFn): Promise<Fn>;
  /** Throws FnsNotFound. Name and app are immutable (silently kept). */
  updateFn(id: string, patch: FnPatch): Promise<Fn>;
  getFnById(id: string): Promise<Fn>;
  /** Sorted by name. */
  getFns(filter: FnFilter): Promise<Page<Fn>>;
  /** Removes the fn with its triggers. Throws FnsNotFound. */
  removeFn(id: string): Promise<void>;

  /** Throws AppsNotFound, FnsNotFound, TriggerFnIDNotSameApp, TriggerSourceExists, TriggerExists. */
  insertTrigger(t: NewTrigger): Promise<Trigger>;
  /** Throws TriggerNotFound. */
  updateTrigger(id: string, patch: TriggerPatch): Promise<Trigger>;
  getTriggerById(id: string): Promise<Trigger>;
  /** Sorted by name. */
  getTriggers(filter: TriggerFilter): Promise<Page<Trigger>>;
  /** Exact source match. Throws TriggerNotFound. */
  getTriggerBySource(appId: string, type: string, source: string): Promise<Trigger>;
  removeTrigger(id: string): Promise<void>;

  /** Throws AppsNotFound, RoutesAlreadyExists. */
  insertRoute(route: NewRoute): Promise<Route>;
  /** Merges config, headers and annotations; throws RoutesNotFound. */
  updateRoute(appId: string, path: string, patch: RoutePatch): Promise<Route>;
  /** Throws RoutesNotFound. */
  getRoute(appId: string, path: string): Promise<Route>;
  /** Sorted by path. */
  getRoutesByApp(appId: string, filter: RouteFilter): Promise<Page<Route>>;
  removeRoute(appId: string, path: string): Promise<void>;

  /** Inserts calls in one round trip (the agent batches its records). Existing ids are replaced. */
  insertCalls(calls: Call[]): Promise<void>;
  /**
   * Compare-and-swap: writes `to` only if the stored call still has `from.status`.
   * Throws CallNotFound, or DatastoreCannotUpdateCall when the stored call differs.
   * With `next`, also inserts that new call in the same transaction (an async retry is stored
   * with the failed attempt it follows, or not at all).
   */
  updateCall(from: Call, to: Call, next?: Call): Promise<void>;
  /**
   * Several changes in one transaction (the async runner's group commit). Each applies only if
   * its call still has `from.status`; resolves, per change, whether it applied.
   */
  applyCallChanges(changes: readonly CallChange[]): Promise<boolean[]>;
  /** The stored calls among `callIds` (missing ids are left out), in no particular order. */
  getCallsByIds(callIds: readonly string[]): Promise<Call[]>;
  /** Throws CallNotFound. */
  getCall(fnId: string, callId: string): Promise<Call>;
  /** Throws CallNotFound. */
  getCallById(callId: string): Promise<Call>;
  /** Newest first (id DESC); cursor is the last id. */
  getCalls(filter: CallFilter): Promise<Page<Call>>;

  /**
   * Stores a new async call. With a claim, the call and its key are stored in one transaction:
   * when a live claim of the same key for the same fn exists, nothing is stored and the id of
   * the claiming call is returned with `created: false` (race-safe: a unique key decides).
   */
  insertAsyncCall(call: Call, claim?: IdempotencyClaim): Promise<{ id: string; created: boolean }>;
  /** Calls of a type in one of the statuses, by id ascending after `afterId` (reconciling the queue). */
  getCallsByStatus(
    type: string,
    statuses: readonly Call['status'][],
    page: { afterId?: string; limit: number },
  ): Promise<Call[]>;
  /** A fn's async calls waiting or running now, by status (the dashboard's async page). */
  countPendingCalls(fnId: string): Promise<PendingCounts>;
  /** Dead-lettered calls of a fn, newest first; cursor is the last id. */
  getDeadLetters(filter: DeadLetterFilter): Promise<Page<Call>>;
  /** Clears a call's dead-letter flag; false when it was not set (someone else redrove it). */
  clearDeadLetter(callId: string): Promise<boolean>;
  /** Stores an async call's response, overwriting. */
  insertCallResponse(callId: string, res: CallResponse): Promise<void>;
  /** Throws CallResponseNotFound. */
  getCallResponse(callId: string): Promise<CallResponse>;

  /** Stores calls' logs, overwriting; many at once (the recorder's batches). */
  insertLogs(logs: readonly CallLog[]): Promise<void>;
  /** Throws CallLogNotFound. */
  getLog(callId: string): Promise<string>;
  /** Removes calls' logs (the ones there are). */
  removeLogs(callIds: readonly string[]): Promise<void>;

  /**
   * Retention: removes up to `limit` calls in a final status created before a time, oldest first,
   * with their stored responses (not their logs: see removeLogs). Returns their ids, ascending.
   */
  removeOldCalls(filter: OldCallsFilter): Promise<string[]>;
  /** Removes about `limit` (at least, when there are) Idempotency-Key claims made before an ISO time. */
  removeOldClaims(before: string, limit: number): Promise<number>;
  /** Fns that carry an annotation key. */
  getFnsWithAnnotation(key: string): Promise<Fn[]>;
  /**
   * Gives up to `pages` pages freed by removals back to the file system where the database keeps
   * them (SQLite); returns how many free pages are left (0 elsewhere).
   */
  reclaimSpace(pages: number): Promise<number>;

  /** Stores an API token (its secret only as `hash`). */
  insertToken(token: NewToken): Promise<Token>;
  /** The token whose secret hashes to `hash`, if any. */
  getTokenByHash(hash: string): Promise<Token | undefined>;
  /** Every token, oldest first. */
  listTokens(): Promise<Token[]>;
  countTokens(): Promise<number>;
  /** Throws TokenNotFound. */
  removeToken(id: string): Promise<void>;
  /** Sets the tokens' last-used time (written in the background, a minute at a time). */
  markTokensUsed(ids: readonly string[], at: string): Promise<void>;

  close(): Promise<void>;
}

/** A token to store: its fields, and the SHA-256 (hex) of its secret. */
export interface NewToken {
  name: string;
  scope: TokenScope;
  app_id?: string;
  expires_at?: string;
  hash: string;
}

/** Calls of a fn in each pending status. */
export interface PendingCounts {
  queued: number;
  delayed: number;
  running: number;
}
