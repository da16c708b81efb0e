import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFn, dockerAvailable, http, startTestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();

/** The value of one sample line `name{labels} value` (labels matched as a substring). */
function sample(text: string, name: string, labels = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (labels && !rest.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('Prometheus /metrics', { skip: !docker && 'Docker is not reachable' }, () => {
  it('counts calls by outcome, containers, API requests by route pattern, and process metrics', async () => {
    const fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(256 * 1024 * 1024) });
    try {
      const { appId, appName, fnId } = await createFn(fnode.url, 'fnode-test/hello', { name: 'greeter' });
      const crash = await createFn(fnode.url, 'fnode-test/crash', { timeout: 5 });
      for (let i = 0; i < 3; i++)
        assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
      const bad = await http(fnode.url, 'POST', `/invoke/${crash.fnId}`, '{}');
      assert.ok(bad.status >= 500, `crash answered ${bad.status}`);
      // Never a raw URL in a label: an unknown, over-long, non-ASCII id stays out of the labels.
      const junk = `é${'x'.repeat(300)}`;
      assert.equal((await http(fnode.url, 'POST', `/invoke/${encodeURIComponent(junk)}`, '{}')).status, 404);

      const res = await http(fnode.url, 'GET', '/metrics');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      const m = res.text;
      assert.equal(sample(m, 'fn_calls'), 4);
      assert.equal(sample(m, 'fn_completed'), 3);
      assert.equal(sample(m, 'fn_errors'), 1);
      assert.equal(sample(m, 'fn_timeouts'), 0);
      assert.equal(
        sample(
          m,
          'fnode_calls_total',
          `app_id="${appId}",fn_id="${fnId}",outcome="success",app_name="${appName}",fn_name="greeter"`,
        ),
        3,
      );
      // Names for the people reading a dashboard, beside the ids.
      assert.match(
        m,
        new RegExp(
          `fn_container_start_duration_seconds_count\\{app_id="${appId}",fn_id="${fnId}",app_name="${appName}",fn_name="greeter"\\}`,
        ),
      );
      assert.equal(sample(m, 'fnode_call_duration_seconds_count', `fn_id="${fnId}"`), 3);
      assert.equal(sample(m, 'fnode_call_queue_seconds_count'), 4);
      assert.ok((sample(m, 'fn_container_start_duration_seconds_count', `fn_id="${fnId}"`) ?? 0) >= 1);
      assert.ok((sample(m, 'fnode_container_starts_total', 'outcome="success"') ?? 0) >= 1);
      // Gauges, not counters (Fn's fault fixed), read from the agent at scrape.
      assert.match(m, /# TYPE fn_queued gauge/);
      assert.match(m, /# TYPE fn_running gauge/);
      assert.equal(sample(m, 'fn_running'), 0);
      assert.ok((sample(m, 'fn_container_idle') ?? 0) >= 1);
      assert.ok((sample(m, 'fn_util_mem_used') ?? 0) >= 128 * 1024 * 1024);
      assert.equal(sample(m, 'fnode_queue_depth'), 0);
      // Route patterns, including routes registered before the metrics plugin.
      assert.equal(sample(m, 'fn_api_request_count', `path="/invoke/:fn_id",method="POST"`), 5);
      assert.equal(sample(m, 'fn_api_request_count', `path="/v2/apps",method="POST"`), 2);
      assert.ok(
        (sample(m, 'fn_api_latency_count', `path="/invoke/:fn_id",method="POST",status="200"`) ?? 0) === 3,
      );
      assert.ok(!m.includes('xxxxxxxx'), 'a raw URL reached a label');
      assert.ok(!/call_id=/.test(m), 'a call id reached a label');
      // Node process metrics.
      assert.ok(sample(m, 'process_resident_memory_bytes') !== undefined);
      assert.ok(sample(m, 'nodejs_eventloop_lag_seconds') !== undefined);
    } finally {
      await fnode.stop();
    }
  });

  it('[v1] counts legacy-format route calls and their container starts too', async () => {
    const fnode = await startTestFnode();
    try {
      const app = `m-${Date.now()}`;
      for (const format of ['default', 'json']) {
        const path = `/${format}`;
        const r = await http(fnode.url, 'POST', `/v1/apps/${app}/routes`, {
          route: { path, image: 'fnode-test/legacy', format },
        });
        assert.equal(r.status, 200, r.text);
        for (let i = 0; i < 2; i++)
          assert.equal((await http(fnode.url, 'POST', `/r/${app}${path}`, 'x')).status, 200);
      }
      const m = (await http(fnode.url, 'GET', '/metrics')).text;
      assert.equal(sample(m, 'fn_calls'), 4);
      assert.equal(sample(m, 'fn_completed'), 4);
      // Two cold default containers and one hot json container.
      assert.equal(sample(m, 'fnode_container_starts_total', 'outcome="success"'), 3);
    } finally {
      await fnode.stop();
    }
  });

  it("observes Fn's unreduced fn_docker_stats_* histograms from every raw stats sample", async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '2500');
      assert.equal(res.status, 200);
      const m = (await http(fnode.url, 'GET', '/metrics')).text;
      const keys = ['net_rx', 'net_tx', 'disk_read', 'disk_write', 'mem_limit', 'mem_usage'];
      for (const key of [...keys, 'cpu_user', 'cpu_total', 'cpu_kernel']) {
        const name = `fn_docker_stats_${key}`;
        assert.match(m, new RegExp(`# TYPE ${name} histogram`));
        assert.ok((sample(m, `${name}_count`) ?? 0) > 0, `${name}_count is not > 0`);
      }
      // The limit is the function's memory (128 MB by default).
      const limit = sample(m, 'fn_docker_stats_mem_limit_sum') ?? 0;
      const n = sample(m, 'fn_docker_stats_mem_limit_count') ?? 1;
      assert.equal(limit / n, 128 * 1024 * 1024);
      assert.ok(!/fn_docker_stats_\w+\{[^}]*call_id/.test(m), 'a call id reached a label');
    } finally {
      await fnode.stop();
    }
  });

  it('is absent with FNODE_METRICS=false', async () => {
    const fnode = await startTestFnode({ FNODE_METRICS: 'false' });
    try {
      assert.equal((await http(fnode.url, 'GET', '/metrics')).status, 404);
    } finally {
      await fnode.stop();
    }
  });
});
