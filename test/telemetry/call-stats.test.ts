import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimate, toStatsPoint } from '../../src/agent/drivers/docker/stats-sample.js';
import type { StatsPoint } from '../../src/models/index.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();
const KEYS = [
  'cpu_kernel',
  'cpu_total',
  'cpu_user',
  'disk_read',
  'disk_write',
  'mem_limit',
  'mem_usage',
  'net_rx',
  'net_tx',
];

async function callStats(fnode: TestFnode, fnId: string, callId: string): Promise<StatsPoint[] | undefined> {
  const call = await eventually(async () => {
    const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
    return r.status === 200 ? r.json<{ stats?: StatsPoint[] }>() : undefined;
  });
  return call.stats;
}

describe('per-call statistics (seed 001), units', () => {
  it('reads Docker stats as Fn does: byte counters and cpu percentages of the interval', () => {
    const p = toStatsPoint({
      read: '2024-01-01T00:00:01.5Z',
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      memory_stats: { usage: 5_000_000, limit: 134_217_728 },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'read', value: 4096 },
          { op: 'Write', value: 8192 },
          { op: 'Total', value: 12288 },
        ],
      },
      cpu_stats: {
        cpu_usage: { total_usage: 300, usage_in_usermode: 200, usage_in_kernelmode: 100 },
        system_cpu_usage: 2000,
        online_cpus: 2,
      },
      precpu_stats: {
        cpu_usage: { total_usage: 100, usage_in_usermode: 100, usage_in_kernelmode: 0 },
        system_cpu_usage: 1000,
      },
    });
    assert.deepEqual(p, {
      timestamp: '2024-01-01T00:00:01.5Z',
      metrics: {
        net_rx: 11,
        net_tx: 22,
        mem_limit: 134_217_728,
        mem_usage: 5_000_000,
        disk_read: 4096,
        disk_write: 8192,
        cpu_user: 20,
        cpu_total: 40,
        cpu_kernel: 20,
      },
    });
  });

  it('decimates a long series to 240 points by averaging equal time windows', () => {
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    const points = Array.from({ length: 1000 }, (_, i) => ({
      timestamp: new Date(t0 + i * 1000).toISOString(),
      metrics: { mem_usage: i },
    }));
    const out = decimate(points);
    assert.equal(out.length, 240);
    assert.equal(out[0]?.timestamp, new Date(t0 + 2000).toISOString());
    assert.deepEqual(out[0]?.metrics, { mem_usage: 2 });
    assert.equal(out[239]?.metrics['mem_usage'], 997);
    const times = out.map((p) => Date.parse(p.timestamp));
    assert.ok(
      times.every((t, i) => i === 0 || t > (times[i - 1] ?? 0)),
      'timestamps increase',
    );
    assert.equal(decimate(points.slice(0, 240)).length, 240);
  });
});

describe('per-call statistics (seed 001) on real containers', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  it('stores about one sample a second of a running call with the call, and one for a short call', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
      // First call of a fresh container, a few ms long: it still gets a sample.
      const short = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1');
      assert.equal(short.status, 200);
      const shortStats = await callStats(fnode, fnId, String(short.headers['fn-call-id']));
      assert.ok(shortStats && shortStats.length >= 1, `short call stats: ${JSON.stringify(shortStats)}`);

      const long = await http(fnode.url, 'POST', `/invoke/${fnId}`, '3500');
      assert.equal(long.status, 200);
      const stats = await callStats(fnode, fnId, String(long.headers['fn-call-id']));
      assert.ok(stats, 'a stats field');
      assert.ok(stats.length >= 3 && stats.length <= 6, `${stats.length} samples for 3.5 s`);
      for (const p of stats) {
        assert.deepEqual(Object.keys(p.metrics).sort(), KEYS);
        assert.ok(!Number.isNaN(Date.parse(p.timestamp)));
        assert.equal(p.metrics['mem_limit'], 128 * 1024 * 1024);
        assert.ok((p.metrics['mem_usage'] ?? 0) > 1024 * 1024, 'the node process uses memory');
      }
      const times = stats.map((p) => Date.parse(p.timestamp));
      const spacing = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / (times.length - 1);
      assert.ok(spacing > 700 && spacing < 1500, `samples ${spacing} ms apart`);
    } finally {
      await fnode.stop();
    }
  });

  it('stores no stats with FNODE_CALL_STATS=false', async () => {
    const fnode = await startTestFnode({ FNODE_CALL_STATS: 'false' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep');
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '1200');
      assert.equal(res.status, 200);
      assert.equal(await callStats(fnode, fnId, String(res.headers['fn-call-id'])), undefined);
    } finally {
      await fnode.stop();
    }
  });

  it('[v1] stores samples with the calls of a hot legacy format (json), none for cold default calls', async () => {
    const fnode = await startTestFnode();
    try {
      const app = `st-${Date.now()}`;
      const ids: Record<string, string> = {};
      for (const format of ['json', 'default']) {
        const r = await http(fnode.url, 'POST', `/v1/apps/${app}/routes`, {
          route: { path: `/${format}`, image: 'fnode-test/legacy', format },
        });
        assert.equal(r.status, 200, r.text);
        const res = await http(fnode.url, 'POST', `/r/${app}/${format}`, 'x');
        assert.equal(res.status, 200, res.text);
        ids[format] = String(res.headers['fn-call-id'] ?? res.headers['fn_call_id']);
      }
      const stored = async (id: string) =>
        eventually(async () => {
          const c = await fnode.datastore.getCallById(id).catch(() => undefined);
          return c && c.status === 'success' ? c : undefined;
        });
      const hot = await stored(ids['json'] ?? '');
      assert.ok(hot.stats && hot.stats.length >= 1, `json call stats: ${JSON.stringify(hot.stats)}`);
      assert.deepEqual(Object.keys(hot.stats[0]?.metrics ?? {}).sort(), KEYS);
      const cold = await stored(ids['default'] ?? '');
      assert.equal(cold.stats, undefined);
    } finally {
      await fnode.stop();
    }
  });
});
