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
});
