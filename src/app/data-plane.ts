import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Agent } from '../agent/index.js';
import { DockerDriver } from '../agent/index.js';
import { asyncRoutes, statsRoutes } from '../calls/index.js';
import type { Config } from '../config/index.js';
import { type Datastore, isDatastoreUnavailable } from '../datastore/index.js';
import { CallRecorder, InvokeService, invokeRoutes, type LookupCache, WarmPools } from '../invoke/index.js';
import { createMessageQueue, type MessageQueue } from '../queue/index.js';
import { AsyncCalls, AsyncRunner, CallExecutor, reconcileQueue } from '../runner/index.js';
import type { ReadinessCheck, ServerPlugin } from '../server/index.js';
import { eventSourcesCheck, TriggerSources } from '../events/index.js';
import type { EventSourcesSample, Telemetry } from '../telemetry/index.js';
import { routeResolver } from '../v1/index.js';
import { dockerCheck, queueCheck } from './readiness.js';

/**
 * Memory an async call is assumed to need when the runner asks the agent for room: the default
 * fn's memory (128 MB). A call of a larger fn still waits for its own memory in the agent.
 */
const ASYNC_CALL_MEMORY_BYTES = 128 * 1024 * 1024;
/** After an async call was put back for want of room, the runner waits at most this long. */
const RUNNER_HOLD_MS = 1000;

/** What a node that runs functions has beside the control plane: agent, recorder, async runner. */
export interface DataPlane {
  agent: Agent;
  queue: MessageQueue;
  runner: AsyncRunner;
  asyncCalls: AsyncCalls;
  recorder: CallRecorder;
  readiness: ReadinessCheck[];
  /** An edit here or elsewhere may change which fns are kept warm (fnode.io/min-hot). */
  warmPools: WarmPools;
  /** Event triggers (cron and brokers): an edit here or elsewhere may start or stop one. */
  events: TriggerSources;
  /** What /metrics shows of the event sources. */
  eventSample(): Promise<EventSourcesSample>;
  /** The invoke and async-call route families (v1 is wired apart). */
  plugins(datastore: Datastore): ServerPlugin[];
  /** Docker reached (or found down) and a previous run's containers removed: before listening. */
  ready: Promise<void>;
  /** Once listening: warm pools, queued calls pushed again, the runner started. */
  start(): Promise<void>;
  /** Shutdown in seed 004's order, around the caller's grace and server close. */
  stopTaking(): Promise<void>;
  drained(): Promise<void>;
  abandon(): void;
  close(): Promise<void>;
}

export interface DataPlaneDeps {
  config: Config;
  logger: Logger;
  store: Datastore;
  cache: LookupCache;
  telemetry: Telemetry;
}

/** Wires Docker, the agent, the call recorder, the queue and the async runner. */
export async function wireDataPlane({
  config,
  logger,
  store,
  cache,
  telemetry,
}: DataPlaneDeps): Promise<DataPlane> {
  const driver = new DockerDriver({
    config: config.agent,
    instanceId: randomUUID(),
    logger,
    callStats: config.telemetry.callStats,
    onStatsSample: telemetry.metrics?.dockerStatsSampler(),
  });
  // Without Docker the control plane still serves; invocations answer 503 until it is back.
  // Docker's answers are awaited before the server listens, not here: meanwhile the rest of the
  // node is wired and its routes compiled.
  const dockerReady = (async () => {
    const dockerUp = await driver.ping().then(
      () => true,
      (err: unknown) => {
        logger.warn(`${err instanceof Error ? err.message : String(err)}; functions cannot run until it is`);
        return false;
      },
    );
    if (!dockerUp) return;
    const removed = await driver.removeLeftovers();
    if (removed > 0) logger.info({ removed }, 'removed containers left by a previous run');
  })();
  // Should wiring fail first, the start fails with that error, not an unhandled rejection.
  dockerReady.catch(() => {});
  const agent = new Agent({
    driver,
    config: config.agent,
    onError: (err, context) => logger.error({ err }, `agent: ${context} failed`),
    observer: telemetry.observer,
  });
  const warmPools = new WarmPools({
    datastore: store,
    keepWarm: (specs) => agent.keepWarm(specs),
    onError: (err) => logger.warn({ err }, 'min-hot: reading the fns to keep warm failed'),
  });
  const recorder = new CallRecorder({
    store: telemetry.store(store),
    isTransient: isDatastoreUnavailable,
    onError: (err, ids) =>
      logger.error(
        { err, ...(ids.length === 1 ? { call_id: ids[0] } : { call_ids: ids }) },
        'writing call records failed',
      ),
  });
  const queue = await createMessageQueue(config.mqUrl, {
    datastore: store,
    ...(config.async.redisPrefix ? { redisPrefix: config.async.redisPrefix } : {}),
  });
  let runner: AsyncRunner | undefined;
  const asyncCalls = new AsyncCalls({
    datastore: store,
    queue,
    idempotencyWindowSecs: config.async.idempotencyWindowSecs,
    onPushed: () => runner?.wake(),
  });
  const onError = (err: unknown, context: string, callId?: string) =>
    logger.error({ err, ...(callId ? { call_id: callId } : {}) }, `async runner: ${context} failed`);
  const executor = new CallExecutor({
    datastore: telemetry.store(store),
    queue,
    agent,
    resolveRoute: routeResolver(store),
    lookup: cache,
    calls: asyncCalls,
    leaseMs: config.async.leaseMsecs,
    maxResponseBytes: config.async.maxResponseBytes,
    maxLogSizeBytes: config.agent.maxLogSizeBytes,
    onError,
  });
  runner = new AsyncRunner({
    queue,
    executor,
    room: () => agent.roomFor(ASYNC_CALL_MEMORY_BYTES),
    concurrency: config.async.concurrency,
    pollMs: config.async.pollMsecs,
    holdMs: RUNNER_HOLD_MS,
    reserveVisibilityMs: config.async.leaseMsecs,
    onError,
  });
  const asyncRunner = runner;
  const nodeId = randomUUID();
  const events = new TriggerSources({
    datastore: store,
    lookup: cache,
    calls: asyncCalls,
    config: config.events,
    nodeId,
    // Host and port name a node across its restarts; a random port (0) names nothing stable.
    nodeName: config.port > 0 ? `${hostname()}-${config.port}` : nodeId,
    onError: (err, context) => logger.warn({ err }, context),
  });
  const repush = async (context: string) => {
    const pushed = await reconcileQueue(store, asyncCalls);
    if (pushed > 0) logger.info({ pushed }, `${context}: async calls pushed to the queue again`);
  };

  return {
    agent,
    queue,
    ready: dockerReady,
    runner: asyncRunner,
    asyncCalls,
    recorder,
    warmPools,
    events,
    async eventSample() {
      const statuses = await events.statuses();
      return {
        sources: statuses.map(({ trigger, status }) => ({ type: trigger.type, state: status.state })),
        totals: [...events.eventTotals()].map(([type, t]) => ({ type, ...t })),
      };
    },
    readiness: [
      dockerCheck(() => driver.ping()),
      queueCheck(queue, config.async.readyMaxQueueAgeSecs),
      eventSourcesCheck(events),
    ],
    plugins: (datastore) => [
      {
        plugin: invokeRoutes,
        options: {
          cache,
          maxRequestSize: config.maxRequestSize,
          async: asyncCalls,
          service: new InvokeService({
            agent,
            recorder,
            maxLogSizeBytes: config.agent.maxLogSizeBytes,
            onError: (err, callId) => logger.error({ err, call_id: callId }, 'call failed'),
          }),
        },
      },
      { plugin: asyncRoutes, options: { datastore, calls: asyncCalls } },
      { plugin: statsRoutes, options: { rollup: telemetry.rollup } },
    ],
    async start() {
      await warmPools.sync();
      await repush('start');
      asyncRunner.start();
      // Sources start once calls can be queued and run; a broker down only delays its own.
      await events.sync();
      // A queue server back from a restart may have lost its jobs: the datastore knows them.
      queue.onReconnect?.(() => {
        repush('queue reconnected').catch((err: unknown) =>
          logger.error({ err }, 'queue reconnected: pushing queued calls again failed'),
        );
      });
    },
    async stopTaking() {
      // No new messages: what a source holds unacknowledged goes back to its broker.
      await events.close();
      await asyncRunner.stopTaking();
      agent.handBackBackground();
    },
    drained: async () => {
      await Promise.all([asyncRunner.drained(), agent.idle()]);
    },
    abandon: () => executor.abandon(),
    async close() {
      warmPools.close();
      await agent.close(0);
      await asyncRunner.drained();
      await recorder.flush();
      await queue.close();
    },
  };
}
