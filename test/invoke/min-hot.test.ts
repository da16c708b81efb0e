import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createFn, dockerAvailable, eventually, http, startTestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();

/** Running containers of one fn under one server's tag. */
function warmOf(tag: string, fnId: string): string[] {
  const out = execFileSync(
    'docker',
    ['ps', '-q', '--no-trunc', '--filter', `label=fnode.tag=${tag}`, '--filter', `label=fnode.fn_id=${fnId}`],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean).sort();
}

const count = (tag: string, fnId: string, n: number) => () =>
  warmOf(tag, fnId).length === n ? true : undefined;

describe('pre-warmed functions (fnode.io/min-hot)', { skip: !docker && 'Docker is not reachable' }, () => {
  it('starts the containers after create, replaces a killed one, and serves the first call hot', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/hello', {
        annotations: { 'fnode.io/min-hot': 2 },
      });
      await eventually(count(fnode.tag, fnId, 2), 20_000);
      const [victim] = warmOf(fnode.tag, fnId);
      execFileSync('docker', ['kill', victim!], { stdio: 'ignore' });
      await eventually(() => {
        const now = warmOf(fnode.tag, fnId);
        return now.length === 2 && !now.includes(victim!) ? true : undefined;
      }, 20_000);
      const before = warmOf(fnode.tag, fnId);
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{"name":"warm"}');
      assert.equal(res.status, 200);
      // Served by one of the kept containers: nothing new started for it.
      assert.deepEqual(warmOf(fnode.tag, fnId), before);
    } finally {
      await fnode.stop();
    }
  });

  it('readies a kept container for its first call without running the function', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/headers', {
        annotations: { 'fnode.io/min-hot': 1 },
      });
      await eventually(count(fnode.tag, fnId, 1), 20_000);
      const [kept] = warmOf(fnode.tag, fnId);
      // The warm-up (a GET the FDK answers 400) is sent once the container is up; a call that
      // comes before it ends waits behind it. Either way the function has run only this call.
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{"name":"first"}');
      assert.equal(res.status, 200);
      assert.equal(res.json<{ served: number }>().served, 1);
      assert.deepEqual(warmOf(fnode.tag, fnId), [kept]);
      const again = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{"name":"second"}');
      assert.equal(again.json<{ served: number }>().served, 2);
    } finally {
      await fnode.stop();
    }
  });

  it('removes the kept containers when the annotation is dropped or the fn deleted', async () => {
    const fnode = await startTestFnode();
    try {
      const a = await createFn(fnode.url, 'fnode-test/hello', { annotations: { 'fnode.io/min-hot': 1 } });
      const b = await createFn(fnode.url, 'fnode-test/hello', { annotations: { 'fnode.io/min-hot': 1 } });
      await eventually(count(fnode.tag, a.fnId, 1), 20_000);
      await eventually(count(fnode.tag, b.fnId, 1), 20_000);
      const put = await http(fnode.url, 'PUT', `/v2/fns/${a.fnId}`, {
        annotations: { 'fnode.io/min-hot': '' },
      });
      assert.equal(put.status, 200);
      await eventually(count(fnode.tag, a.fnId, 0), 20_000);
      assert.equal((await http(fnode.url, 'DELETE', `/v2/fns/${b.fnId}`)).status, 204);
      await eventually(count(fnode.tag, b.fnId, 0), 20_000);
    } finally {
      await fnode.stop();
    }
  });

  it('starts them again after a server restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-min-hot-'));
    const env = { FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}` };
    try {
      const first = await startTestFnode(env);
      let fnId: string;
      try {
        ({ fnId } = await createFn(first.url, 'fnode-test/hello', {
          annotations: { 'fnode.io/min-hot': 1 },
        }));
        await eventually(count(first.tag, fnId, 1), 20_000);
      } finally {
        await first.stop();
      }
      assert.deepEqual(warmOf(first.tag, fnId), []);
      const second = await startTestFnode(env);
      try {
        await eventually(count(second.tag, fnId, 1), 20_000);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the kept container past its idle timeout while the extra ones stop', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep', {
        idle_timeout: 1,
        annotations: { 'fnode.io/min-hot': 1 },
      });
      await eventually(count(fnode.tag, fnId, 1), 20_000);
      const calls = Promise.all([1, 2].map(() => http(fnode.url, 'POST', `/invoke/${fnId}`, '4000')));
      // The second call is slow work, so the launch policy starts a container beside the kept one.
      await eventually(() => (fnode.agent?.stats().containers === 2 ? true : undefined), 20_000);
      for (const r of await calls) assert.equal(r.status, 200);
      await eventually(count(fnode.tag, fnId, 1), 20_000);
      const kept = warmOf(fnode.tag, fnId);
      // Several idle timeouts later it is still the same container.
      await new Promise((r) => setTimeout(r, 2500));
      assert.deepEqual(warmOf(fnode.tag, fnId), kept);
    } finally {
      await fnode.stop();
    }
  });
});
