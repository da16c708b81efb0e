import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { Agent } from '../agent/index.js';
import { DockerDriver } from '../agent/drivers/docker/index.js';
import type { Config } from '../config/index.js';
import { createDatastore, type Datastore, isDatastoreUnavailable } from '../datastore/index.js';
import { Errors } from '../models/index.js';
import {
  asyncRoutes,
  CallRecorder,
  callsRoutes,
  InvokeService,
  invokeRoutes,
  invalidatingDatastore,
  LookupCache,
  routeResolver,
  WarmPools,
} from '../invoke/index.js';
import { createMessageQueue, type MessageQueue } from '../queue/index.js';
import { AsyncCalls, AsyncRunner, CallExecutor, CallPruner, reconcileQueue } from '../runner/index.js';
import { buildServer, healthRoutes, type ReadinessCheck } from '../server/index.js';
import { sendErrorFor } from '../server/v1/index.js';
import { createLogStore, withLogStore } from '../logstore/index.js';
import { createTelemetry } from '../telemetry/index.js';
import { createInvalidationBus } from '../cluster/index.js';
import { queueCheck, datastoreCheck, dockerCheck } from './readiness.js';
import { v1Plugins } from './v1-wiring.js';
import { version } from './version.js';

export interface Fnode {
  server: FastifyInstance;
  datastore: Datastore;
  agent: Agent | undefined;
  /** The async runner, when this node runs functions. */
  runner: AsyncRunner | undefined;
  /** The address the server listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Graceful shutdown: stop listening, drain calls, remove containers, flush records. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger?: Logger;
  host?: string;
}

const noAgentStats = {
  containers: 0,
  busy: 0,
  starting: 0,
  waiting: 0,
  memoryUsedBytes: 0,
  memoryTotalBytes: 0,
};

/** The composition root: wires the datastore, the agent and the HTTP server, then listens. */
export async function startFnode({ config, logger: given, host = '0.0.0.0' }: StartOptions): Promise<Fnode> {
  const logger = given ?? pino({ level: config.logLevel });
  const dbStore = await createDatastore(config.dbUrl);
  // FN_LOGSTORE_URL: call logs in the datastore (the default) or another database.
  const logStore = await createLogStore(config.logstoreUrl, config.dbUrl, dbStore);
  const store = withLogStore(dbStore, logStore);
  const cache = new LookupCache(store);
  // fnode.io/min-hot: every edit (here or on another node) may change which fns are kept warm.
  let warmPools: WarmPools | undefined;
  // Several nodes: a write on one clears the lookups cached by all (else within the cache's 5 s).
  const bus = await createInvalidationBus(
    { mqUrl: config.mqUrl, dbUrl: config.dbUrl, redisPrefix: config.async.redisPrefix },
    {
      nodeId: randomUUID(),
      onInvalidate: () => {
        cache.invalidate();
        warmPools?.schedule();
      },
      onError: (err) => logger.warn({ err }, 'cluster cache invalidation: connection problem'),
    },
  ).catch((err: unknown) => {
    logger.warn({ err }, 'no cluster cache invalidation: other nodes see edits within 5 s');
    return undefined;
  });
  const datastore = invalidatingDatastore(store, () => {
    cache.invalidate();
    bus?.publish();
    warmPools?.schedule();
  });
  const runsFunctions =
    config.nodeType === 'full' || config.nodeType === 'lb' || config.nodeType === 'runner';

  let agent: Agent | undefined;
  let recorder: CallRecorder | undefined;
  let queue: MessageQueue | undefined;
  let runner: AsyncRunner | undefined;
  let executor: CallExecutor | undefined;
  let asyncCalls: AsyncCalls | undefined;
  // Issue 6: metrics, per-call stats, syslog, traces (gauges read the agent and queue at scrape).
  const telemetry = await createTelemetry({
    config: config.telemetry,
    logger,
    sources: runsFunctions
      ? {
          agent: () => agent?.stats() ?? noAgentStats,
          queueBacklog: () =>
            queue?.backlog() ?? Promise.resolve({ ready: 0, delayed: 0, oldestReadyAgeMs: 0 }),
        }
      : {},
  });
  let docker: DockerDriver | undefined;
  if (runsFunctions) {
    const driver = new DockerDriver({
      config: config.agent,
      instanceId: randomUUID(),
      logger,
      callStats: config.telemetry.callStats,
      onStatsSample: telemetry.metrics?.dockerStatsSampler(),
    });
    // Without Docker the control plane still serves; invocations answer 503 until it is back.
    const dockerUp = await driver.ping().then(
      () => true,
      (err: unknown) => {
        logger.warn(`${err instanceof Error ? err.message : String(err)}; functions cannot run until it is`);
        return false;
      },
    );
    docker = driver;
    if (dockerUp) {
      const removed = await driver.removeLeftovers();
      if (removed > 0) logger.info({ removed }, 'removed containers left by a previous run');
    }
    agent = new Agent({
      driver,
      config: config.agent,
      onError: (err, context) => logger.error({ err }, `agent: ${context} failed`),
      observer: telemetry.observer,
    });
    const warmAgent = agent;
    warmPools = new WarmPools({
      datastore: store,
      keepWarm: (specs) => warmAgent.keepWarm(specs),
      onError: (err) => logger.warn({ err }, 'min-hot: reading the fns to keep warm failed'),
    });
    recorder = new CallRecorder({
      store: telemetry.store(store),
      isTransient: isDatastoreUnavailable,
      onError: (err, ids) =>
        logger.error(
          { err, ...(ids.length === 1 ? { call_id: ids[0] } : { call_ids: ids }) },
          'writing call records failed',
        ),
    });
    queue = await createMessageQueue(config.mqUrl, {
      datastore: store,
      ...(config.async.redisPrefix ? { redisPrefix: config.async.redisPrefix } : {}),
    });
    const wake = () => runner?.wake();
    asyncCalls = new AsyncCalls({
      datastore: store,
      queue,
      idempotencyWindowSecs: config.async.idempotencyWindowSecs,
      onPushed: wake,
    });
    const runnerAgent = agent;
    const onError = (err: unknown, context: string, callId?: string) =>
      logger.error({ err, ...(callId ? { call_id: callId } : {}) }, `async runner: ${context} failed`);
    executor = new CallExecutor({
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
      room: () => runnerAgent.roomFor(128 * 1024 * 1024),
      concurrency: config.async.concurrency,
      pollMs: config.async.pollMsecs,
      holdMs: 1000,
      reserveVisibilityMs: config.async.leaseMsecs,
      onError,
    });
  }

  const readiness: ReadinessCheck[] = [datastoreCheck(store)];
  if (docker) readiness.push(dockerCheck(() => docker.ping()));
  if (queue) readiness.push(queueCheck(queue, config.async.readyMaxQueueAgeSecs));
  const server = await buildServer({
    datastore,
    logger,
    version,
    maxRequestSize: config.maxRequestSize,
    maxRequestHeaderSize: config.maxRequestHeaderSize,
    ...(config.publicLbUrl ? { publicUrl: config.publicLbUrl } : {}),
    plugins: [
      { plugin: healthRoutes, options: { checks: readiness } },
      ...telemetry.plugins,
      ...(agent && recorder
        ? [
            {
              plugin: invokeRoutes,
              options: {
                cache,
                maxRequestSize: config.maxRequestSize,
                ...(asyncCalls ? { async: asyncCalls } : {}),
                service: new InvokeService({
                  agent,
                  recorder,
                  maxLogSizeBytes: config.agent.maxLogSizeBytes,
                  onError: (err, callId) => logger.error({ err, call_id: callId }, 'call failed'),
                }),
              },
            },
          ]
        : []),
      { plugin: callsRoutes, options: { datastore } },
      ...v1Plugins({
        datastore,
        maxRequestSize: config.maxRequestSize,
        maxLogSizeBytes: config.agent.maxLogSizeBytes,
        logger,
        agent,
        recorder,
        cache,
        asyncCalls,
      }),
      ...(asyncCalls ? [{ plugin: asyncRoutes, options: { datastore, calls: asyncCalls } }] : []),
    ],
  });
  // While shutting down, a new request gets Fn's error shape and a hint, not a half-closed server.
  let draining = false;
  server.addHook('onRequest', async (req, reply) => {
    if (draining) return sendErrorFor(req.url, reply, Errors.ServerShuttingDown.copy());
  });
  const url = await server.listen({ port: config.port, host });
  await warmPools?.sync();
  if (runner && asyncCalls) {
    const pushed = await reconcileQueue(store, asyncCalls);
    if (pushed > 0) logger.info({ pushed }, 'async calls re-pushed to the queue');
    runner.start();
    // A queue server back from a restart may have lost its jobs: the datastore knows them.
    const repush = asyncCalls;
    queue?.onReconnect?.(() => {
      reconcileQueue(store, repush).then(
        (n) => logger.warn({ pushed: n }, 'queue reconnected: queued async calls pushed again'),
        (err: unknown) => logger.error({ err }, 'queue reconnected: pushing queued calls again failed'),
      );
    });
  }

  // Issue 18: call history past its retention is removed in the background, on every node.
  const pruner = new CallPruner({
    datastore: store,
    retentionSecs: config.callRetentionSecs,
    onError: (err) => logger.warn({ err }, 'removing old calls failed; trying again later'),
  });
  pruner.start();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Seed 004's order: no new work, the running calls end (within the grace), then the rest.
      draining = true;
      await runner?.stopTaking();
      agent?.handBackBackground();
      const graceMs = config.shutdownGraceSecs * 1000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([runner?.drained(), agent?.idle()]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      executor?.abandon();
      await server.close();
      warmPools?.close();
      await agent?.close(0);
      await runner?.drained();
      await recorder?.flush();
      await queue?.close();
      await pruner.close();
      await store.close();
      await logStore.close();
      await bus?.close();
      await telemetry.close();
    })();
    return closing;
  };
  return { server, datastore, agent, runner, url, close };
}
