import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  containersOf,
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();
const MiB = 1024 * 1024;

describe('agent capacity and container lifecycle', { skip: !docker && 'Docker is not reachable' }, () => {
  it('runs parallel calls in parallel containers up to the memory budget, then queues them', async () => {
    const fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(3 * 128 * MiB) });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
      // Warm three containers so the measurement is about placement, not cold starts. The calls
      // waiting for the first start get containers of their own once it is up; on a loaded host
      // those may come up only after the first container has served them.
      const warm = await Promise.all([1, 2, 3].map(() => http(fnode.url, 'POST', `/invoke/${fnId}`, '1000')));
      for (const r of warm) assert.equal(r.status, 200);
      await eventually(() => (fnode.agent?.stats().containers === 3 ? true : undefined), 30_000);
      const t = Date.now();
      const results = await Promise.all(
        [1, 2, 3].map(() => http(fnode.url, 'POST', `/invoke/${fnId}`, '800')),
      );
      const parallelMs = Date.now() - t;
      for (const r of results) assert.equal(r.status, 200);
      // One after another they would take 2,400 ms.
      assert.ok(parallelMs < 2000, `three 800 ms calls on three containers took ${parallelMs} ms`);
      const t4 = Date.now();
      const four = await Promise.all(
        [1, 2, 3, 4].map(() => http(fnode.url, 'POST', `/invoke/${fnId}`, '800')),
      );
      for (const r of four) assert.equal(r.status, 200);
      assert.ok(Date.now() - t4 >= 1600, 'the fourth call waited for a free container');
      assert.equal(fnode.agent?.stats().containers, 3);
      assert.ok((fnode.agent?.stats().memoryUsedBytes ?? 0) <= 3 * 128 * MiB);
    } finally {
      await fnode.stop();
    }
  });

  it('lets short concurrent calls share a hot container that frees up within the launch grace', async () => {
    const fnode = await startTestFnode({ FNODE_LAUNCH_GRACE_MSECS: '1000' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
      const loops = [1, 2, 3, 4].map(async () => {
        for (let i = 0; i < 10; i++)
          assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
      });
      await Promise.all(loops);
      assert.equal(fnode.agent?.stats().containers, 1);
    } finally {
      await fnode.stop();
    }
  });

  it('starts another container for a call still waiting after the launch grace', async () => {
    const fnode = await startTestFnode({ FNODE_LAUNCH_GRACE_MSECS: '100' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep');
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '10')).status, 200);
      // A long call holds the one hot container; a short one comes once it does.
      let longDone = false;
      const long = http(fnode.url, 'POST', `/invoke/${fnId}`, '10000').then((r) => {
        longDone = true;
        return r;
      });
      await eventually(() => (fnode.agent?.stats().busy === 1 ? true : undefined));
      const short = await http(fnode.url, 'POST', `/invoke/${fnId}`, '10');
      assert.equal(short.status, 200);
      // Had it waited for the busy container, it would have ended after the long call.
      assert.equal(longDone, false, 'the short call ran after the long one, not beside it');
      assert.equal(fnode.agent?.stats().containers, 2);
      assert.equal((await long).status, 200);
    } finally {
      await fnode.stop();
    }
  });

  it('answers 503 Timed out - server too busy with Retry-After when no capacity frees up in time', async () => {
    const fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(128 * MiB) });
    try {
      const busy = await createFn(fnode.url, 'fnode-test/sleep', { timeout: 30 });
      const other = await createFn(fnode.url, 'fnode-test/hello', { timeout: 2 });
      const long = http(fnode.url, 'POST', `/invoke/${busy.fnId}`, '5000');
      await eventually(() => (fnode.agent?.stats().busy === 1 ? true : undefined));
      const res = await http(fnode.url, 'POST', `/invoke/${other.fnId}`, '{}');
      assert.equal(res.status, 503);
      assert.deepEqual(res.json(), { message: 'Timed out - server too busy' });
      assert.equal(res.headers['retry-after'], '15');
      assert.equal((await long).status, 200);
      // Once the first function is idle, its container is evicted to make room for the other.
      // Its cold start counts against its 2 s timeout, which a loaded machine can exceed: retry.
      await eventually(
        async () =>
          (await http(fnode.url, 'POST', `/invoke/${other.fnId}`, '{}')).status === 200 || undefined,
        30_000,
      );
    } finally {
      await fnode.stop();
    }
  });

  it('refuses a fn whose memory exceeds the whole budget with 400', async () => {
    const fnode = await startTestFnode({ FN_MAX_TOTAL_MEMORY_BYTES: String(128 * MiB) });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello', { memory: 256 });
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
      assert.equal(res.status, 400);
      assert.deepEqual(res.json(), { message: 'Requested CPU/Memory cannot be allocated' });
    } finally {
      await fnode.stop();
    }
  });

  it('stops a hot container after the fn idle_timeout', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello', { idle_timeout: 1 });
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
      assert.equal(containersOf(fnode.tag).length, 1);
      await eventually(() => (containersOf(fnode.tag).length === 0 ? true : undefined), 8000);
      assert.equal(fnode.agent?.stats().containers, 0);
      // Memory tokens come back once the removal has completed.
      await eventually(() => (fnode.agent?.stats().memoryUsedBytes === 0 ? true : undefined), 5000);
    } finally {
      await fnode.stop();
    }
  });

  it('answers 413 with Fn message for a body over FN_MAX_REQUEST_SIZE', async () => {
    const fnode = await startTestFnode({ FN_MAX_REQUEST_SIZE: '1024' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello');
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, 'x'.repeat(2048));
      assert.equal(res.status, 413);
      assert.deepEqual(res.json(), { message: 'Content-Length too large for this server, 2048 > max 1024' });
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '{"name":"small"}')).status, 200);
    } finally {
      await fnode.stop();
    }
  });

  it("a second server on the same Docker host, even with the same tag, leaves the first one's containers alone", async () => {
    const first = await startTestFnode();
    try {
      const { fnId } = await createFn(first.url, 'fnode-test/hello');
      assert.equal((await http(first.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
      const before = containersOf(first.tag);
      assert.equal(before.length, 1);
      const second = await startTestFnode({ FN_CONTAINER_LABEL_TAG: first.tag });
      try {
        assert.deepEqual(containersOf(first.tag), before);
        assert.equal((await http(first.url, 'POST', `/invoke/${fnId}`, '{}')).status, 200);
        assert.equal(first.agent?.stats().containers, 1, 'the first server still has its hot container');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });

  it('removes containers that a killed previous run left behind when it starts', async () => {
    const tag = `fnode-test-leftover-${process.pid}`;
    const id = execFileSync(
      'docker',
      [
        'create',
        '--network',
        'none',
        '--label',
        `fnode.tag=${tag}`,
        '--label',
        'fnode.instance=killed-run',
        'fnode-test/hello',
      ],
      { encoding: 'utf8' },
    ).trim();
    assert.ok(id);
    assert.equal(containersOf(tag).length, 1);
    const fnode = await startTestFnode({ FN_CONTAINER_LABEL_TAG: tag });
    try {
      assert.equal(containersOf(tag).length, 0);
    } finally {
      await fnode.stop();
    }
  });
});
