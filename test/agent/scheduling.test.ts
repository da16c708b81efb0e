import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { Agent } from '../../src/agent/index.js';
import type { AgentCall, FunctionSpec } from '../../src/agent/function-spec.js';
import { type AgentConfig, loadConfig } from '../../src/config/index.js';
import { eventually } from '../helpers/fnode.js';
import { FakeDriver, idleProbe } from './fake-driver.js';
import { testSpec } from './test-spec.js';

const MiB = 1024 * 1024;

function agentConfig(over: Partial<AgentConfig> = {}): AgentConfig {
  return { ...loadConfig({ FN_MAX_TOTAL_MEMORY_BYTES: String(4096 * MiB) }).agent, ...over };
}

/** A fn of its own (a pool of its own), with the fields a test changes. */
function spec(over: Partial<FunctionSpec> = {}): FunctionSpec {
  return { ...testSpec(), ...over, slotKey: randomUUID() };
}

function call(s: FunctionSpec): AgentCall {
  return {
    id: randomUUID(),
    spec: s,
    headers: {},
    body: Buffer.from('{}'),
    deadline: Date.now() + s.timeoutSecs * 1000,
  };
}

/** The agent's scheduling against a driver double: no Docker, real sockets, milliseconds. */
describe('agent scheduling', () => {
  let agent: Agent | undefined;
  let driver: FakeDriver;
  const make = (opts: { serviceMs?: number; graceMs?: number; config?: Partial<AgentConfig> } = {}) => {
    driver = new FakeDriver(opts.serviceMs ?? 0);
    agent = new Agent({
      driver,
      config: agentConfig(opts.config),
      launchGraceMs: opts.graceMs ?? 50,
      probe: idleProbe,
    });
    return agent;
  };
  afterEach(async () => {
    await agent?.close(0);
    agent = undefined;
  });

  it('runs the calls of a fast fn in its one busy container rather than start others', async () => {
    const a = make({ serviceMs: 5, graceMs: 10_000 });
    const s = spec();
    const answers = await Promise.all(Array.from({ length: 6 }, () => a.submit(call(s))));
    assert.ok(answers.every((r) => r.response?.status === 200));
    assert.equal(driver.started.length, 1);
  });

  it('scales a slow fn out when its calls wait past the grace', async () => {
    const a = make({ serviceMs: 300, graceMs: 10 });
    const s = spec();
    const answers = await Promise.all(Array.from({ length: 4 }, () => a.submit(call(s))));
    assert.ok(answers.every((r) => r.response?.status === 200));
    assert.ok(driver.started.length >= 2, `started ${driver.started.length}`);
  });

  it('never holds more containers than its memory allows; every call still runs', async () => {
    const a = make({ serviceMs: 100, graceMs: 0, config: { maxTotalMemoryBytes: 256 * MiB } });
    const s = spec({ memoryMB: 128 });
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, driver.running);
    }, 5);
    const answers = await Promise.all(Array.from({ length: 6 }, () => a.submit(call(s))));
    clearInterval(watch);
    assert.ok(answers.every((r) => r.response?.status === 200));
    assert.ok(most <= 2, `at most 2 containers of 128 MiB in 256 MiB, saw ${most}`);
    assert.ok(a.stats().memoryUsedBytes <= 256 * MiB);
  });

  it('removes a container once it has been idle for its idle timeout', async () => {
    const a = make();
    const s = spec({ idleTimeoutSecs: 1 });
    await a.submit(call(s));
    assert.equal(driver.running, 1);
    await eventually(() => driver.running === 0, 5000);
    assert.equal(driver.removed.length, 1);
  });

  it('gives one container up to fnode.io/max-concurrency calls at once', async () => {
    const a = make({ serviceMs: 100, graceMs: 10_000 });
    const s = spec({ maxConcurrency: 4 });
    await Promise.all(Array.from({ length: 4 }, () => a.submit(call(s))));
    assert.equal(driver.started.length, 1);
    assert.equal(driver.maxConcurrentPerContainer, 4);
  });

  it('keeps fnode.io/min-hot containers started, past their idle timeout', async () => {
    const a = make();
    const s = spec({ minHot: 2, idleTimeoutSecs: 1 });
    a.keepWarm([s]);
    await eventually(() => driver.running === 2, 5000);
    // Twice the idle timeout: an ordinary container would be gone by now.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(driver.running, 2);
    a.keepWarm([]);
    await eventually(() => driver.running === 0, 5000);
  });

  it('removes a min-hot container that was still starting when its fn stopped being kept', async () => {
    const a = make();
    driver.startMs = 300;
    // An idle timeout far past the test: only the removal of a dropped spec can end it.
    const s = spec({ minHot: 1, idleTimeoutSecs: 600 });
    a.keepWarm([s]);
    a.keepWarm([]);
    await eventually(() => driver.started.length === 1, 5000);
    await eventually(() => driver.running === 0, 5000);
    assert.equal(a.stats().containers, 0);
  });
});
