import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Agent } from '../agent/index.js';
import type { Config } from '../config/index.js';
import { createDatastore, type Datastore } from '../datastore/index.js';
import { Errors, useIdPort } from '../models/index.js';
import { callsRoutes } from '../calls/index.js';
import { invalidatingDatastore, LookupCache, type WarmPools } from '../invoke/index.js';
import { type AsyncRunner, CallPruner } from '../runner/index.js';
import { buildServer, healthRoutes, sendErrorFor } from '../server/index.js';
import { createLogStore, withLogStore } from '../logstore/index.js';
import { createTelemetry } from '../telemetry/index.js';
import { createInvalidationBus } from '../cluster/index.js';
import { triggerStatusRoutes } from '../events/index.js';
import { type AuthWiring, wireAuth } from './auth-wiring.js';
import { type DataPlane, wireDataPlane } from './data-plane.js';
import { datastoreCheck } from './readiness.js';
import { readTls } from './tls.js';
import { v1Plugins } from '../v1/index.js';
import { version } from './version.js';

export interface Fnode {
  server: FastifyInstance;
  datastore: Datastore;
  agent: Agent | undefined;
  /** The async runner, when this node runs functions. */
  runner: AsyncRunner | undefined;
  /** The address the server listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The admin token generated at this start (the first with authentication on), shown once. */
  adminToken: { secret: string; file: string } | undefined;
  /** Re-reads FN_TLS_CERT_FILE and FN_TLS_KEY_FILE (SIGHUP); connections open stay as they are. */
  reloadTls(): void;
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
  useIdPort(config.port);
  const dbStore = await createDatastore(config.dbUrl);
  // FN_LOGSTORE_URL: call logs in the datastore (the default) or another database.
  const logStore = await createLogStore(config.logstoreUrl, config.dbUrl, dbStore);
  const store = withLogStore(dbStore, logStore);
  const cache = new LookupCache(store);
  // fnode.io/min-hot: every edit (here or on another node) may change which fns are kept warm.
  let warmPools: WarmPools | undefined;
  // Event sources (and metrics) reach the data plane once it exists.
  let dataPlane: DataPlane | undefined;
  let authWiring: AuthWiring | undefined;
  // Several nodes: a write on one clears the lookups cached by all (else within the cache's 5 s).
  const bus = await createInvalidationBus(
    { mqUrl: config.mqUrl, dbUrl: config.dbUrl, redisPrefix: config.async.redisPrefix },
    {
      nodeId: randomUUID(),
      onInvalidate: () => {
        cache.invalidate();
        authWiring?.invalidate();
        warmPools?.schedule();
        dataPlane?.events.schedule();
      },
      onError: (err) => logger.warn({ err }, 'cluster cache invalidation: connection problem'),
    },
  ).catch((err: unknown) => {
    logger.warn({ err }, 'no cluster cache invalidation: other nodes see edits within 5 s');
    return undefined;
  });
  const auth = await wireAuth(
    config,
    store,
    cache,
    () => bus?.publish(),
    (err) => logger.warn({ err }, 'writing the last-used time of tokens failed'),
  );
  authWiring = auth;
  if (!config.auth) logger.warn('FNODE_AUTH=off: every route is open to anyone who can reach this port');
  const datastore = invalidatingDatastore(store, () => {
    cache.invalidate();
    bus?.publish();
    warmPools?.schedule();
    dataPlane?.events.schedule();
  });
  // Metrics gauges read the agent and queue at scrape time: they exist once the data plane does.
  const telemetry = await createTelemetry({
    config: config.telemetry,
    logger,
    sources:
      config.nodeType === 'full'
        ? {
            agent: () => dataPlane?.agent.stats() ?? noAgentStats,
            queueBacklog: () =>
              dataPlane?.queue.backlog() ?? Promise.resolve({ ready: 0, delayed: 0, oldestReadyAgeMs: 0 }),
            events: async () => dataPlane?.eventSample(),
          }
        : {},
  });
  // An `api` node serves the control plane alone; a `full` one runs functions too.
  const plane =
    config.nodeType === 'full' ? await wireDataPlane({ config, logger, store, cache, telemetry }) : undefined;
  dataPlane = plane;
  warmPools = plane?.warmPools;

  const server = await buildServer({
    datastore,
    ...(auth.server ? { auth: auth.server } : {}),
    ...(config.tls ? { https: readTls(config.tls) } : {}),
    logger,
    version,
    maxRequestSize: config.maxRequestSize,
    maxRequestHeaderSize: config.maxRequestHeaderSize,
    ...(config.publicLbUrl ? { publicUrl: config.publicLbUrl } : {}),
    plugins: [
      { plugin: healthRoutes, options: { checks: [datastoreCheck(store), ...(plane?.readiness ?? [])] } },
      ...telemetry.plugins,
      ...(plane?.plugins(datastore) ?? []),
      { plugin: callsRoutes, options: { datastore } },
      { plugin: triggerStatusRoutes, options: { datastore, sources: plane?.events } },
      ...v1Plugins({
        datastore,
        maxRequestSize: config.maxRequestSize,
        maxLogSizeBytes: config.agent.maxLogSizeBytes,
        logger,
        agent: plane?.agent,
        recorder: plane?.recorder,
        cache,
        asyncCalls: plane?.asyncCalls,
      }),
    ],
  });
  // While shutting down, a new request gets Fn's error shape and a hint, not a half-closed server.
  let draining = false;
  // Callback hooks, not async ones, on the way of every call: no promise and no job each.
  server.addHook('onRequest', (req, reply, done) => {
    if (draining) sendErrorFor(req.url, reply, Errors.ServerShuttingDown.copy());
    else done();
  });
  await plane?.ready;
  const url = await server.listen({ port: config.port, host });
  await plane?.start();

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
      await plane?.stopTaking();
      const graceMs = config.shutdownGraceSecs * 1000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        plane?.drained(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      plane?.abandon();
      await server.close();
      await plane?.close();
      await pruner.close();
      await store.close();
      await logStore.close();
      await bus?.close();
      await auth.close();
      await telemetry.close();
    })();
    return closing;
  };
  const reloadTls = () => {
    if (config.tls) (server.server as import('node:https').Server).setSecureContext(readTls(config.tls));
  };
  return {
    server,
    datastore,
    agent: plane?.agent,
    runner: plane?.runner,
    url,
    adminToken: auth.adminToken,
    reloadTls,
    close,
  };
}
