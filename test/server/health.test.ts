import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { healthRoutes } from '../../src/server/index.js';
import { createFn, dockerAvailable, eventually, http, startTestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();

interface Ready {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

describe('health routes', { skip: !docker && 'Docker is not reachable' }, () => {
  it('answers live and ready with every check passing on a healthy node', async () => {
    const fnode = await startTestFnode();
    try {
      const live = await http(fnode.url, 'GET', '/health/live');
      assert.deepEqual([live.status, live.json()], [200, { status: 'ok' }]);
      const ready = await http(fnode.url, 'GET', '/health/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.json<Ready>(), {
        status: 'ok',
        checks: {
          datastore: { ok: true },
          docker: { ok: true },
          queue: { ok: true },
          'event-sources': { ok: true },
        },
      });
    } finally {
      await fnode.stop();
    }
  });

  it('names an event trigger whose broker cannot be reached, until it can', async () => {
    // Nothing listens on port 9: the source keeps reconnecting and the node says so.
    const fnode = await startTestFnode({ FNODE_NATS_URL: 'nats://127.0.0.1:9' });
    try {
      const { appId, fnId } = await createFn(fnode.url, 'fnode-test/hello');
      const t = await http(fnode.url, 'POST', '/v2/triggers', {
        name: 'orders',
        app_id: appId,
        fn_id: fnId,
        type: 'nats',
        source: 'orders.created',
      });
      assert.equal(t.status, 200, t.text);
      const ready = await eventually(async () => {
        const r = await http(fnode.url, 'GET', '/health/ready');
        return r.status === 503 ? r.json<Ready>() : undefined;
      });
      assert.match(
        ready.checks['event-sources']?.detail ?? '',
        /nats trigger orders \(\w+\) is (connecting|reconnecting) to nats:\/\/127\.0\.0\.1:9/,
      );
      assert.equal(ready.checks['datastore']?.ok, true);
      // Deleting the trigger stops its source: ready again.
      assert.equal(
        (await http(fnode.url, 'DELETE', `/v2/triggers/${t.json<{ id: string }>().id}`)).status,
        204,
      );
      await eventually(async () =>
        (await http(fnode.url, 'GET', '/health/ready')).status === 200 ? true : undefined,
      );
    } finally {
      await fnode.stop();
    }
  });

  it('turns unready, and shows it in /metrics, while due async calls wait longer than the bound', async () => {
    // A memory budget smaller than any container: the runner takes nothing from the queue.
    const fnode = await startTestFnode({
      FN_MAX_TOTAL_MEMORY_BYTES: String(64 * 1024 * 1024),
      FNODE_READY_MAX_QUEUE_AGE_SECS: '1',
    });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
      for (let i = 0; i < 3; i++) {
        const r = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}', { 'fn-invoke-type': 'async' });
        assert.equal(r.status, 202);
      }
      const ready = await eventually(async () => {
        const r = await http(fnode.url, 'GET', '/health/ready');
        return r.status === 503 ? r.json<Ready>() : undefined;
      });
      assert.equal(ready.status, 'unavailable');
      assert.equal(ready.checks['datastore']?.ok, true);
      assert.equal(ready.checks['queue']?.ok, false);
      assert.match(ready.checks['queue']?.detail ?? '', /oldest of 3 queued async calls has waited \d+ s/);
      const metrics = (await http(fnode.url, 'GET', '/metrics')).text;
      assert.match(metrics, /^fnode_async_queued 3$/m);
      assert.match(metrics, /^fnode_queue_depth 3$/m);
      const age = /^fnode_async_oldest_queued_seconds (\S+)$/m.exec(metrics);
      assert.ok(age && Number(age[1]) >= 1, `oldest queued age: ${age?.[1]}`);
    } finally {
      await fnode.stop();
    }
  });
});

describe('readiness checks', () => {
  it('reports a failing check with its reason and answers 503', async () => {
    const app = Fastify();
    await app.register(healthRoutes, {
      checks: [
        { name: 'fine', check: async () => undefined },
        { name: 'problem', check: async () => 'the disk is full: free some space' },
        {
          name: 'broken',
          check: async () => {
            throw new Error('connection refused');
          },
        },
      ],
    });
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), {
      status: 'unavailable',
      checks: {
        fine: { ok: true },
        problem: { ok: false, detail: 'the disk is full: free some space' },
        broken: { ok: false, detail: 'connection refused' },
      },
    });
    await app.close();
  });
});
