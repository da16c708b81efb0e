import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  linearScale,
  linePath,
  niceStep,
  niceTicks,
  statsSeries,
  xExtent,
  yMax,
} from '../../ui/src/chart.js';

describe("the dashboard's chart arithmetic", () => {
  it('maps a domain onto a range, upside down for SVG y', () => {
    const sy = linearScale(0, 100, 180, 10);
    assert.equal(sy(0), 180);
    assert.equal(sy(100), 10);
    assert.equal(sy(50), 95);
    assert.equal(linearScale(5, 5, 0, 100)(5), 50, 'one value sits in the middle');
  });

  it('picks ticks of 1, 2 or 5 times a power of ten, topping the largest value', () => {
    assert.equal(niceStep(10), 5);
    assert.equal(niceStep(0.3), 0.1);
    assert.equal(niceStep(7_900_000), 2_000_000);
    assert.deepEqual(niceTicks(10), [0, 5, 10]);
    assert.deepEqual(niceTicks(0.3), [0, 0.1, 0.2, 0.3]);
    assert.deepEqual(niceTicks(0), [0, 1], 'an empty chart still has an axis');
    const t = niceTicks(7_900_000);
    assert.ok(t[t.length - 1]! >= 7_900_000 && t.length <= 6, String(t));
  });

  it('draws a path through the points in chart coordinates', () => {
    const pts = [
      { x: 0, y: 0 },
      { x: 1, y: 2 },
      { x: 2, y: 1 },
    ];
    assert.equal(linePath(pts, linearScale(0, 2, 0, 100), linearScale(0, 2, 50, 0)), 'M0,50 L50,0 L100,25');
    assert.deepEqual(xExtent([{ name: 'a', unit: 'count', points: pts }]), [0, 2]);
    assert.deepEqual(xExtent([]), [0, 0]);
    assert.equal(yMax([{ name: 'a', unit: 'count', points: pts }]), 2);
  });

  it("turns a call's stats points into CPU, memory, network and disk series", () => {
    const at = (s: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000).toISOString();
    const point = (s: number, m: Record<string, number>) => ({ timestamp: at(s), metrics: m });
    const groups = statsSeries([
      // Out of order on purpose: they are sorted by time.
      point(2, {
        cpu_total: 30,
        cpu_kernel: 5,
        mem_usage: 3000,
        net_rx: 3000,
        net_tx: 100,
        disk_read: 0,
        disk_write: 0,
      }),
      point(0, {
        cpu_total: 10,
        cpu_kernel: 1,
        mem_usage: 1000,
        net_rx: 1000,
        net_tx: 100,
        disk_read: 0,
        disk_write: 0,
      }),
      point(1, {
        cpu_total: 20,
        cpu_kernel: 2,
        mem_usage: 2000,
        net_rx: 1000,
        net_tx: 100,
        disk_read: 0,
        disk_write: 0,
      }),
    ]);
    assert.deepEqual(
      groups.map((g) => g.title),
      ['CPU', 'Memory', 'Network', 'Disk'],
    );
    const [cpu, mem, net] = groups;
    assert.deepEqual(cpu!.series[0]!.points, [
      { x: 0, y: 10 },
      { x: 1, y: 20 },
      { x: 2, y: 30 },
    ]);
    assert.equal(cpu!.series[0]!.unit, 'percent');
    assert.deepEqual(
      mem!.series[0]!.points.map((p) => p.y),
      [1000, 2000, 3000],
    );
    // Network counters are cumulative: shown as bytes per second between points.
    assert.deepEqual(net!.series[0]!.points, [
      { x: 1, y: 0 },
      { x: 2, y: 2000 },
    ]);
    assert.equal(net!.series[0]!.unit, 'bytes/s');
    assert.deepEqual(statsSeries(undefined), []);
    assert.deepEqual(statsSeries([{ timestamp: 'not a time', metrics: { mem_usage: 1 } }]), []);
    const one = statsSeries([point(0, { mem_usage: 5 })]);
    assert.deepEqual(
      one.map((g) => g.title),
      ['Memory'],
      'a single point has no rates, only gauges',
    );
  });
});
