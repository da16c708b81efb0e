import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OUT_OF_MEMORY } from '../../src/models/index.js';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';
import { createRoute } from '../v1/v1-helpers.js';
import { act, HOSTILE, inspect } from './hostile.js';

const docker = dockerAvailable();

interface Who {
  hostname: string;
  uid: number;
}

/**
 * Issue 13, item 7: a function that tries to hurt the host (fixture `hostile`) is held by its
 * container's limits, each call ends cleanly, and the server goes on serving.
 */
describe('a function cannot hurt the host', { skip: !docker && 'Docker is not reachable' }, () => {
  let fnode: TestFnode;
  let base: string;

  before(async () => {
    fnode = await startTestFnode();
    base = fnode.url;
  });
  after(async () => {
    await fnode?.stop();
  });

  /** A hostile fn and its first (hot) container's hostname, which is its short Docker id. */
  async function hostileFn(
    fn: Record<string, unknown> = {},
  ): Promise<{ path: string; fnId: string; host: string }> {
    const { fnId } = await createFn(base, HOSTILE, fn);
    const path = `/invoke/${fnId}`;
    const who = await eventually(async () => {
      const r = await act(base, path, 'whoami');
      return r.status === 200 ? r.json<Who>() : undefined;
    }, 30_000);
    return { path, fnId, host: who.hostname };
  }

  async function recorded(fnId: string, callId: string) {
    return eventually(async () => {
      const r = await http(base, 'GET', `/v2/fns/${fnId}/calls/${callId}`);
      const c = r.status === 200 ? r.json<{ status: string; error?: string; reason?: string }>() : undefined;
      return c && c.status !== 'running' ? c : undefined;
    });
  }

  /** The server still answers, and a new container of the fn serves its next call. */
  async function servesAfresh(path: string, gone: string): Promise<void> {
    assert.equal((await http(base, 'GET', '/version')).status, 200);
    const next = await act(base, path, 'whoami');
    assert.equal(next.status, 200, next.text);
    assert.notEqual(next.json<Who>().hostname, gone, 'a fresh container');
    assert.equal(inspect(gone), undefined, 'the broken container is removed');
  }

  it('fork bomb: process creation stops at the pids limit (FN_MAX_PIDS, 50), the call ends, the server goes on', async () => {
    const { path, host } = await hostileFn();
    assert.equal(inspect(host)?.HostConfig['PidsLimit'], 50);
    const res = await act(base, path, 'fork');
    assert.equal(res.status, 200, res.text);
    const out = res.json<{ forked: number; error: string }>();
    assert.equal(out.error, 'EAGAIN', 'the kernel refuses the fork');
    assert.ok(out.forked > 0 && out.forked < 50, `forked ${out.forked}`);
    assert.equal((await http(base, 'GET', '/version')).status, 200);
    const next = await act(base, path, 'whoami');
    assert.equal(next.status, 200, next.text);
  });

  it('memory: the kernel kills the container at fn.memory (no swap), the call answers 502, the record says out of memory', async () => {
    const { path, fnId, host } = await hostileFn({ memory: 64 });
    const h = inspect(host)?.HostConfig;
    assert.equal(h?.['Memory'], 64 * 1024 * 1024);
    assert.equal(h?.['MemorySwap'], 64 * 1024 * 1024, 'swap is off: memory + swap = memory');
    const res = await act(base, path, 'alloc', { mib: 1024 });
    assert.equal(res.status, 502, res.text);
    assert.deepEqual(res.json(), { message: 'error receiving function response' });
    const call = await recorded(fnId, String(res.headers['fn-call-id']));
    assert.equal(call.status, 'error');
    assert.equal(call.reason, 'killed');
    assert.equal(call.error, `error receiving function response: ${OUT_OF_MEMORY}`);
    await servesAfresh(path, host);
  });

  it("disk: /tmp holds at most the route's tmpfs_size; past it a write fails with ENOSPC and the call answers", async () => {
    const { app, path } = await createRoute(base, { image: HOSTILE, format: 'http-stream', tmpfs_size: 8 });
    const res = await act(base, `/r/${app}${path}`, 'fill', { path: '/tmp/fill', mib: 64 });
    assert.equal(res.status, 200, res.text);
    const out = res.json<{ mib: number; error: string }>();
    assert.equal(out.error, 'ENOSPC');
    assert.ok(out.mib <= 8, `wrote ${out.mib} MiB`);
    const again = await act(base, `/r/${app}${path}`, 'whoami');
    assert.equal(again.status, 200, again.text);
  });

  it("disk: without a tmpfs size (every v2 fn), /tmp counts against the fn's memory", async () => {
    const { path, fnId, host } = await hostileFn({ memory: 64 });
    const res = await act(base, path, 'fill', { path: '/tmp/fill', mib: 1024 });
    // The kernel charges tmpfs pages to the container: it is killed at its memory (cgroup v1
    // and v2 alike here), or a write fails first; either way /tmp never outgrows fn.memory.
    if (res.status === 200) {
      const out = res.json<{ mib: number; error: string | null }>();
      assert.ok(out.error !== null && out.mib < 64, res.text);
      return;
    }
    assert.equal(res.status, 502, res.text);
    const call = await recorded(fnId, String(res.headers['fn-call-id']));
    assert.equal(call.reason, 'killed');
    await servesAfresh(path, host);
  });

  it('disk: /tmp/iofs, a host directory, takes no file once the socket is up', async () => {
    const { path } = await hostileFn();
    const res = await act(base, path, 'fill', { path: '/tmp/iofs/fill', mib: 64 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json(), { mib: 0, error: 'EACCES' });
  });

  it('disk: a container that made a file in /tmp/iofs before its socket is refused at start', async () => {
    // The control: the same early file in /tmp is fine.
    const ok = await createFn(base, HOSTILE, { config: { HOSTILE_EARLY_FILE: '/tmp/early' } });
    const fine = await act(base, `/invoke/${ok.fnId}`, 'whoami');
    assert.equal(fine.status, 200, fine.text);
    assert.equal(typeof fine.json<{ early: number }>().early, 'number');

    const bad = await createFn(base, HOSTILE, { config: { HOSTILE_EARLY_FILE: '/tmp/iofs/early' } });
    const res = await act(base, `/invoke/${bad.fnId}`, 'whoami');
    assert.equal(res.status, 502, res.text);
    assert.deepEqual(res.json(), {
      message:
        'Container failed to initialize, please ensure you are using the latest fdk and check the logs: ' +
        'early in /tmp/iofs is not a socket: a function may only make its socket there',
    });
  });

  it('files: the root filesystem is read-only, even where the function user owns a directory; /tmp is writable', async () => {
    const { path } = await hostileFn();
    const who = (await act(base, path, 'whoami')).json<Who>();
    assert.equal(who.uid, 1000);
    const res = await act(base, path, 'write-root');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json(), {
      '/': 'EROFS',
      '/function': 'EROFS',
      '/home/fn': 'EROFS',
      '/etc': 'EROFS',
      '/tmp': 'ok',
    });
  });

  it('time: a call spinning past its timeout answers 504 and its container is killed and removed', async () => {
    const { path, fnId, host } = await hostileFn({ timeout: 2 });
    const res = await act(base, path, 'spin');
    assert.equal(res.status, 504, res.text);
    assert.deepEqual(res.json(), { message: 'Timed out' });
    await eventually(() => inspect(host) === undefined || undefined, 15_000);
    const call = await recorded(fnId, String(res.headers['fn-call-id']));
    assert.equal(call.reason, 'timeout');
    // The next call gets a new container; its cold start counts against the 2 s timeout.
    const next = await eventually(async () => {
      const r = await act(base, path, 'whoami');
      return r.status === 200 ? r.json<Who>() : undefined;
    }, 30_000);
    assert.notEqual(next.hostname, host);
  });
});
