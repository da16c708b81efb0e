import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '../../src/agent/drivers/index.js';
import { HotContainer } from '../../src/agent/hot-container.js';
import { httpStreamProtocol } from '../../src/agent/http-stream-protocol.js';
import { LaunchPolicy, type LoadProbe } from '../../src/agent/launch-policy.js';
import { SlotQueue, type Waiter } from '../../src/agent/slot-queue.js';
import { testSpec } from './test-spec.js';

/** The policy reads only these of a container: whether it is full and when its newest call began. */
function busyContainer(lastCallAt: number): HotContainer {
  const exchange = { send: () => Promise.reject(new Error('unused')), endLogs: async () => {}, close() {} };
  const hc = new HotContainer({} as Container, 0, exchange, 1);
  hc.active = 1;
  hc.lastCallAt = lastCallAt;
  return hc;
}

function setup(opts: {
  serviceMs: number;
  loopDelayMs: number;
  /** The event loop's busy share; busy by default, the case where the delay decides. */
  utilization?: number;
  /** Idle host CPU in cores; two idle cores by default. */
  idleCores?: number;
  graceMs?: number;
  waitersSince: number[];
}) {
  let now = 100_000;
  const probe: LoadProbe = {
    loopDelayMs: () => opts.loopDelayMs,
    utilization: () => opts.utilization ?? 0.9,
    idleCores: () => opts.idleCores ?? 2,
    close() {},
  };
  const policy = new LaunchPolicy({ graceMs: opts.graceMs ?? 50, probe, now: () => now });
  const q = new SlotQueue(testSpec(), httpStreamProtocol(0));
  q.serviceMs = opts.serviceMs;
  q.all.add(busyContainer(now));
  for (const ago of opts.waitersSince) q.waiters.push({ since: now - ago } as Waiter);
  return { policy, q, advance: (ms: number) => (now += ms) };
}

describe('the launch policy', () => {
  it('starts nothing for fast calls that queue behind a busy server, however long they wait', () => {
    const { policy, q } = setup({ serviceMs: 0.6, loopDelayMs: 3, waitersSince: [400, 300, 200] });
    assert.equal(policy.containersAreBottleneck(q), false);
    assert.equal(policy.demand(q), 0);
  });

  it('scales out when fnode itself has room, however slow a CPU-starved machine makes its loop', () => {
    const { policy, q } = setup({ serviceMs: 20, loopDelayMs: 40, utilization: 0.1, waitersSince: [30, 5] });
    assert.equal(policy.demand(q), 1);
  });

  it('never starts one for calls under a millisecond, even with an idle loop', () => {
    const { policy, q } = setup({ serviceMs: 0.4, loopDelayMs: 0, utilization: 0.05, waitersSince: [100] });
    assert.equal(policy.demand(q), 0);
  });

  it('scales a slow function out: a container for each call that waited its service time', () => {
    const { policy, q } = setup({ serviceMs: 20, loopDelayMs: 0.3, waitersSince: [35, 25, 10, 2] });
    assert.equal(policy.patienceMs(q), 20);
    assert.equal(policy.demand(q), 2);
  });

  it('keeps a fast function on its containers while the host has no spare core', () => {
    const { policy, q } = setup({
      serviceMs: 3,
      loopDelayMs: 0.2,
      utilization: 0.3,
      idleCores: 0.4,
      waitersSince: [400, 300, 60],
    });
    assert.equal(policy.demand(q), 0);
  });

  it('scales a fast function out onto a spare core, once a call has waited the whole grace', () => {
    const { policy, q } = setup({
      serviceMs: 3,
      loopDelayMs: 0.2,
      utilization: 0.3,
      idleCores: 1.5,
      waitersSince: [60, 40, 10],
    });
    assert.equal(policy.patienceMs(q), 50);
    assert.equal(policy.demand(q), 1);
  });

  it('scales a slow function out even when other work takes every core of the host', () => {
    const { policy, q } = setup({
      serviceMs: 20,
      loopDelayMs: 0.3,
      idleCores: 0,
      waitersSince: [35, 25, 10, 2],
    });
    assert.equal(policy.demand(q), 2);
  });

  it('never lets a call wait longer than the grace for a slow function', () => {
    const { policy, q } = setup({ serviceMs: 4000, loopDelayMs: 0.3, waitersSince: [60, 40] });
    assert.equal(policy.patienceMs(q), 50);
    assert.equal(policy.demand(q), 1);
  });

  it('counts a long call in progress before any call has ended', () => {
    const { policy, q, advance } = setup({ serviceMs: 0, loopDelayMs: 0.2, waitersSince: [0] });
    assert.equal(policy.containersAreBottleneck(q), false);
    advance(300);
    assert.equal(policy.containersAreBottleneck(q), true);
    assert.equal(policy.demand(q), 1);
  });

  it('does not take one slow call in progress for the service time of a fast fn', () => {
    const { policy, q, advance } = setup({ serviceMs: 0.5, loopDelayMs: 0.2, waitersSince: [0] });
    advance(300);
    assert.equal(policy.containersAreBottleneck(q), false);
    assert.equal(policy.demand(q), 0);
  });

  it('with a grace of 0 starts a container for every waiting call', () => {
    const { policy, q } = setup({ serviceMs: 0.5, loopDelayMs: 5, graceMs: 0, waitersSince: [0, 0, 0] });
    assert.equal(policy.demand(q), 3);
  });
});
