import { Kysely } from 'kysely';
import { createDialect, type DbTarget, runMigrations } from '../../sql/index.js';
import type {
  App,
  AppPatch,
  Call,
  Fn,
  FnPatch,
  Route,
  Token,
  Trigger,
  TriggerPatch,
} from '../../models/index.js';
import type {
  AppFilter,
  CallChange,
  CallFilter,
  CallLog,
  CallResponse,
  Datastore,
  DeadLetterFilter,
  FnFilter,
  IdempotencyClaim,
  NewApp,
  NewFn,
  NewRoute,
  NewToken,
  NewTrigger,
  OldCallsFilter,
  Page,
  PendingCounts,
  RouteFilter,
  RoutePatch,
  TriggerFilter,
} from '../datastore.js';
import { AppsRepo } from './apps-repo.js';
import { AsyncCallsRepo } from './async-calls-repo.js';
import { CallSettings } from './call-settings.js';
import { CallsRepo } from './calls-repo.js';
import { FnsRepo } from './fns-repo.js';
import { LogsRepo } from './logs-repo.js';
import { MigrationLockTable, MigrationTable, migrationProvider } from './migrations/index.js';
import { RetentionRepo } from './retention-repo.js';
import { RoutesRepo } from './routes-repo.js';
import type { Database, DialectKind } from './schema.js';
import { TokensRepo } from './tokens-repo.js';
import { TriggersRepo } from './triggers-repo.js';

/** The Datastore over Kysely: the same queries on SQLite, PostgreSQL and MySQL/MariaDB. */
export class SqlDatastore implements Datastore {
  private readonly apps: AppsRepo;
  private readonly fns: FnsRepo;
  private readonly triggers: TriggersRepo;
  private readonly routes: RoutesRepo;
  private readonly calls: CallsRepo;
  private readonly logs: LogsRepo;
  private readonly asyncCalls: AsyncCallsRepo;
  private readonly retention: RetentionRepo;
  private readonly tokens: TokensRepo;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DialectKind,
    private readonly target: DbTarget,
  ) {
    this.apps = new AppsRepo(db, kind);
    this.fns = new FnsRepo(db, kind);
    this.triggers = new TriggersRepo(db, kind);
    this.routes = new RoutesRepo(db, kind);
    const settings = new CallSettings(kind);
    this.calls = new CallsRepo(db, kind, settings);
    this.logs = new LogsRepo(db, kind);
    this.asyncCalls = new AsyncCallsRepo(db, kind, settings);
    this.retention = new RetentionRepo(db, kind);
    this.tokens = new TokensRepo(db);
  }

  /** Connects and brings the schema up to date (under Kysely's migration lock). */
  static async open(target: DbTarget): Promise<SqlDatastore> {
    const db = new Kysely<Database>({ dialect: await createDialect(target) });
    try {
      await runMigrations(db, target.kind, {
        provider: migrationProvider(target.kind),
        table: MigrationTable,
        lockTable: MigrationLockTable,
        label: 'datastore',
      });
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new SqlDatastore(db, target.kind, target);
  }

  insertApp(app: NewApp): Promise<App> {
    return this.apps.insert(app);
  }
  updateApp(id: string, patch: AppPatch): Promise<App> {
    return this.apps.update(id, patch);
  }
  getAppById(id: string): Promise<App> {
    return this.apps.getById(id);
  }
  getAppByName(name: string): Promise<App> {
    return this.apps.getByName(name);
  }
  getApps(filter: AppFilter): Promise<Page<App>> {
    return this.apps.list(filter);
  }
  removeApp(id: string): Promise<void> {
    return this.apps.remove(id);
  }

  insertFn(fn: NewFn): Promise<Fn> {
    return this.fns.insert(fn);
  }
  updateFn(id: string, patch: FnPatch): Promise<Fn> {
    return this.fns.update(id, patch);
  }
  getFnById(id: string): Promise<Fn> {
    return this.fns.getById(id);
  }
  getFns(filter: FnFilter): Promise<Page<Fn>> {
    return this.fns.list(filter);
  }
  removeFn(id: string): Promise<void> {
    return this.fns.remove(id);
  }

  insertTrigger(t: NewTrigger): Promise<Trigger> {
    return this.triggers.insert(t);
  }
  updateTrigger(id: string, patch: TriggerPatch): Promise<Trigger> {
    return this.triggers.update(id, patch);
  }
  getTriggerById(id: string): Promise<Trigger> {
    return this.triggers.getById(id);
  }
  getTriggers(filter: TriggerFilter): Promise<Page<Trigger>> {
    return this.triggers.list(filter);
  }
  getTriggerBySource(appId: string, type: string, source: string): Promise<Trigger> {
    return this.triggers.getBySource(appId, type, source);
  }
  removeTrigger(id: string): Promise<void> {
    return this.triggers.remove(id);
  }

  insertRoute(route: NewRoute): Promise<Route> {
    return this.routes.insert(route);
  }
  updateRoute(appId: string, path: string, patch: RoutePatch): Promise<Route> {
    return this.routes.update(appId, path, patch);
  }
  getRoute(appId: string, path: string): Promise<Route> {
    return this.routes.get(appId, path);
  }
  getRoutesByApp(appId: string, filter: RouteFilter): Promise<Page<Route>> {
    return this.routes.listByApp(appId, filter);
  }
  removeRoute(appId: string, path: string): Promise<void> {
    return this.routes.remove(appId, path);
  }

  insertCalls(calls: Call[]): Promise<void> {
    return this.calls.insertMany(calls);
  }
  updateCall(from: Call, to: Call, next?: Call): Promise<void> {
    return this.calls.update(from, to, next);
  }
  applyCallChanges(changes: readonly CallChange[]): Promise<boolean[]> {
    return this.calls.applyChanges(changes);
  }
  getCallsByIds(callIds: readonly string[]): Promise<Call[]> {
    return this.calls.getByIds(callIds);
  }
  getCall(fnId: string, callId: string): Promise<Call> {
    return this.calls.get(fnId, callId);
  }
  getCallById(callId: string): Promise<Call> {
    return this.calls.getById(callId);
  }
  getCalls(filter: CallFilter): Promise<Page<Call>> {
    return this.calls.list(filter);
  }

  insertAsyncCall(call: Call, claim?: IdempotencyClaim): Promise<{ id: string; created: boolean }> {
    return this.asyncCalls.insert(call, claim);
  }
  getCallsByStatus(
    type: string,
    statuses: readonly Call['status'][],
    page: { afterId?: string; limit: number },
  ): Promise<Call[]> {
    return this.asyncCalls.byStatus(type, statuses, page);
  }
  countPendingCalls(fnId: string): Promise<PendingCounts> {
    return this.asyncCalls.countPending(fnId);
  }
  getDeadLetters(filter: DeadLetterFilter): Promise<Page<Call>> {
    return this.asyncCalls.deadLetters(filter);
  }
  clearDeadLetter(callId: string): Promise<boolean> {
    return this.asyncCalls.clearDeadLetter(callId);
  }
  insertCallResponse(callId: string, res: CallResponse): Promise<void> {
    return this.asyncCalls.insertResponse(callId, res);
  }
  getCallResponse(callId: string): Promise<CallResponse> {
    return this.asyncCalls.getResponse(callId);
  }

  insertLogs(logs: readonly CallLog[]): Promise<void> {
    return this.logs.insertMany(logs);
  }
  getLog(callId: string): Promise<string> {
    return this.logs.get(callId);
  }
  removeLogs(callIds: readonly string[]): Promise<void> {
    return this.retention.removeLogs(callIds);
  }

  removeOldCalls(filter: OldCallsFilter): Promise<string[]> {
    return this.retention.removeOldCalls(filter);
  }
  removeOldClaims(before: string, limit: number): Promise<number> {
    return this.retention.removeOldClaims(before, limit);
  }
  getFnsWithAnnotation(key: string): Promise<Fn[]> {
    return this.fns.withAnnotation(key);
  }
  reclaimSpace(pages: number): Promise<number> {
    return this.retention.reclaimSpace(pages);
  }

  insertToken(token: NewToken): Promise<Token> {
    return this.tokens.insert(token);
  }
  getTokenByHash(hash: string): Promise<Token | undefined> {
    return this.tokens.byHash(hash);
  }
  listTokens(): Promise<Token[]> {
    return this.tokens.list();
  }
  countTokens(): Promise<number> {
    return this.tokens.count();
  }
  removeToken(id: string): Promise<void> {
    return this.tokens.remove(id);
  }
  markTokensUsed(ids: readonly string[], at: string): Promise<void> {
    return this.tokens.markUsed(ids, at);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /** @internal See `sqlHandleOf`. */
  handle(): SqlHandle {
    return { db: this.db as unknown as Kysely<unknown>, kind: this.kind, target: this.target };
  }
}

/** A datastore's own Kysely instance, for modules that keep their tables beside it (the queue). */
export interface SqlHandle {
  /** Owned by the datastore: never destroy it; `Datastore.close()` does. */
  readonly db: Kysely<unknown>;
  readonly kind: DialectKind;
  /** The parsed url the datastore was opened with. */
  readonly target: DbTarget;
}

/** The Kysely instance behind a SQL datastore; undefined for any other Datastore. */
export function sqlHandleOf(datastore: Datastore): SqlHandle | undefined {
  return datastore instanceof SqlDatastore ? datastore.handle() : undefined;
}
