import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('configuration from the environment', () => {
  it('defaults: call logs by arrival time as Fn, call stats, a 50 ms launch grace, a 10 s async lease', () => {
    const c = loadConfig({}, '/srv/fnode');
    assert.equal(c.agent.exactCallLogs, false);
    assert.equal(c.telemetry.callStats, true);
    assert.equal(c.agent.launchGraceMsecs, 50);
    assert.equal(c.async.leaseMsecs, 10_000);
  });

  it('reads FNODE_EXACT_CALL_LOGS and FNODE_ASYNC_LEASE_MSECS', () => {
    const c = loadConfig({ FNODE_EXACT_CALL_LOGS: 'true', FNODE_ASYNC_LEASE_MSECS: '2500' }, '/srv');
    assert.equal(c.agent.exactCallLogs, true);
    assert.equal(c.async.leaseMsecs, 2500);
    assert.equal(loadConfig({ FNODE_EXACT_CALL_LOGS: 'FALSE' }, '/srv').agent.exactCallLogs, false);
  });

  it("reads FN_MAX_REQUEST_HEADER_SIZE, Fn's 1 MiB by default", () => {
    assert.equal(loadConfig({}, '/srv').maxRequestHeaderSize, 1024 * 1024);
    assert.equal(loadConfig({ FN_MAX_REQUEST_HEADER_SIZE: '65536' }, '/srv').maxRequestHeaderSize, 65536);
  });

  it('refuses a value that is not a boolean or below a minimum, naming the variable', () => {
    assert.throws(
      () => loadConfig({ FNODE_EXACT_CALL_LOGS: 'maybe' }, '/srv'),
      (e: unknown) =>
        e instanceof ConfigError && /FNODE_EXACT_CALL_LOGS="maybe" is not a boolean/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ FNODE_ASYNC_LEASE_MSECS: '10' }, '/srv'),
      (e: unknown) => e instanceof ConfigError && /FNODE_ASYNC_LEASE_MSECS/.test(e.message),
    );
  });

  it('reads FN_LOG_LEVEL as pino and logrus name levels, and refuses a typo', () => {
    assert.equal(loadConfig({}).logLevel, 'info');
    assert.equal(loadConfig({ FN_LOG_LEVEL: 'DEBUG' }).logLevel, 'debug');
    assert.equal(loadConfig({ FN_LOG_LEVEL: 'warning' }).logLevel, 'warn');
    assert.throws(
      () => loadConfig({ FN_LOG_LEVEL: 'debgu' }),
      (e: unknown) =>
        e instanceof ConfigError && /^FN_LOG_LEVEL="debgu" must be one of fatal, error/.test(e.message),
    );
  });

  it('refuses what fnode would not do: Fn cluster node types, an unknown node type, FN_HOT_POLL_MSECS', () => {
    for (const type of ['lb', 'runner', 'pure-runner']) {
      assert.throws(
        () => loadConfig({ FN_NODE_TYPE: type }),
        (e: unknown) =>
          e instanceof ConfigError && e.message.startsWith(`FN_NODE_TYPE=${type} is not supported`),
      );
    }
    assert.throws(
      () => loadConfig({ FN_NODE_TYPE: 'fulll' }),
      (e: unknown) => e instanceof ConfigError && e.message === 'FN_NODE_TYPE="fulll" must be full or api',
    );
    assert.throws(
      () => loadConfig({ FN_HOT_POLL_MSECS: '200' }),
      (e: unknown) => e instanceof ConfigError && /FN_HOT_POLL_MSECS is not used by fnode/.test(e.message),
    );
    assert.equal(loadConfig({ FN_NODE_TYPE: 'api' }).nodeType, 'api');
    assert.equal(loadConfig({}).nodeType, 'full');
  });

  it('reads FNODE_AUTH (on unless off) and wants both TLS files or neither', () => {
    assert.equal(loadConfig({}).auth, true);
    assert.equal(loadConfig({ FNODE_AUTH: 'off' }).auth, false);
    assert.throws(
      () => loadConfig({ FNODE_AUTH: 'maybe' }),
      (e: unknown) => e instanceof ConfigError,
    );
    assert.throws(
      () => loadConfig({ FN_TLS_CERT_FILE: '/c.pem' }),
      (e: unknown) => e instanceof ConfigError && /go together/.test(e.message),
    );
    assert.deepEqual(loadConfig({ FN_TLS_CERT_FILE: '/c.pem', FN_TLS_KEY_FILE: '/k.pem' }).tls, {
      certFile: '/c.pem',
      keyFile: '/k.pem',
    });
  });
});

describe('event trigger brokers (issue 17)', () => {
  it('defaults to the loopback brokers, and Redis streams to the Redis of FN_MQ_URL', () => {
    const dflt = loadConfig({}, '/tmp');
    assert.deepEqual(dflt.events, {
      natsUrl: 'nats://127.0.0.1:4222',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      mqttUrl: 'mqtt://127.0.0.1:1883',
      redisUrl: 'redis://127.0.0.1:6379',
      redeliverSecs: 30,
    });
    assert.equal(
      loadConfig({ FN_MQ_URL: 'redis://queue:6380/1' }, '/tmp').events.redisUrl,
      'redis://queue:6380/1',
    );
    assert.equal(
      loadConfig({ FN_MQ_URL: 'redis://queue:6380/1', FNODE_REDIS_URL: 'redis://streams:6379' }, '/tmp')
        .events.redisUrl,
      'redis://streams:6379',
    );
    assert.throws(() => loadConfig({ FNODE_EVENT_REDELIVER_SECS: '0' }, '/tmp'), ConfigError);
  });
});
