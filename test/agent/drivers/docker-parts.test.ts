// Unit tests of the Docker driver's pure parts; no Docker Engine needed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createOptions } from '../../../src/agent/drivers/docker/create-options.js';
import { makeIofsDir, sealIofsDir } from '../../../src/agent/drivers/docker/iofs.js';
import { LineSplitter } from '../../../src/agent/drivers/docker/log-lines.js';
import { NetworkPicker } from '../../../src/agent/drivers/docker/network-picker.js';
import { type MarkerWriter, OutputRouter } from '../../../src/agent/drivers/docker/output-router.js';
import { checkSocket, SocketWait } from '../../../src/agent/drivers/docker/socket-wait.js';
import { StreamDemuxer } from '../../../src/agent/drivers/docker/stream-demux.js';
import type { ContainerSpec } from '../../../src/agent/drivers/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { ApiError } from '../../../src/models/api-error.js';

const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  id: 'abc-123',
  image: 'fnode-test/hello',
  memoryMB: 128,
  cpus: 0,
  env: { FN_FORMAT: 'http-stream', FOO: 'a=b' },
  labels: { 'fnode.fn_id': 'F1' },
  startTimeoutMs: 5000,
  ...over,
});

describe('createOptions', () => {
  const config = loadConfig({ FN_CONTAINER_LABEL_TAG: 'tag1' }).agent;

  test('sets Fn create options', () => {
    const o = createOptions({
      spec: spec(),
      config,
      instanceId: 'I1',
      ownerLabels: { 'fnode.owner-host': 'h1', 'fnode.owner-lock': '/tmp/fnode-owners/I1.sock' },
      iofsDir: '/x/iofs-1',
      network: 'none',
      swappiness: true,
    });
    const h = o.HostConfig;
    assert.ok(h);
    assert.equal(o.Image, 'fnode-test/hello');
    assert.deepEqual(o.Env, ['FN_FORMAT=http-stream', 'FOO=a=b']);
    assert.deepEqual(o.Labels, {
      'fnode.fn_id': 'F1',
      'fnode.instance': 'I1',
      'fnode.tag': 'tag1',
      'fnode.owner-host': 'h1',
      'fnode.owner-lock': '/tmp/fnode-owners/I1.sock',
    });
    assert.equal(o.User, '1000:1000');
    assert.equal(o.name, 'fnode-abc-123');
    assert.equal(h.Memory, 128 * 1024 * 1024);
    assert.equal(h.MemorySwap, 128 * 1024 * 1024);
    assert.equal(h.MemorySwappiness, 0);
    assert.equal(h.CpuQuota, undefined);
    assert.equal(h.ReadonlyRootfs, true);
    assert.deepEqual(h.Tmpfs, { '/tmp': '' });
    assert.deepEqual(h.CapDrop, ['ALL']);
    assert.deepEqual(h.SecurityOpt, ['no-new-privileges']);
    assert.equal(h.Init, true);
    assert.equal(h.PidsLimit, 50);
    assert.deepEqual(h.Binds, ['/x/iofs-1:/tmp/iofs']);
    assert.equal(h.NetworkMode, 'none');
    assert.deepEqual(h.LogConfig, { Type: 'none', Config: {} });
    assert.deepEqual(
      h.Ulimits?.map((u) => [u.Name, u.Soft, u.Hard]),
      [
        ['nofile', 350, 350],
        ['memlock', 65536, 65536],
        ['sigpending', 5000, 5000],
        ['msgqueue', 819200, 819200],
      ],
    );
  });

  test('CPU quota only when cpus > 0; tmpfs size; no swappiness on cgroup v2; default network', () => {
    const o = createOptions({
      spec: spec({ cpus: 250, tmpfsSizeMB: 16 }),
      config,
      instanceId: 'I1',
      ownerLabels: {},
      iofsDir: '/x',
      network: undefined,
      swappiness: false,
    });
    assert.equal(o.HostConfig?.CpuQuota, 25000);
    assert.equal(o.HostConfig?.CpuPeriod, 100000);
    assert.deepEqual(o.HostConfig?.Tmpfs, { '/tmp': 'size=16m' });
    assert.equal(o.HostConfig?.MemorySwappiness, undefined);
    assert.equal(o.HostConfig?.NetworkMode, undefined);
  });

  test('FN_DISABLE_READONLY_ROOTFS and FN_DISABLE_UNPRIVILEGED_CONTAINERS', () => {
    const loose = loadConfig({
      FN_DISABLE_READONLY_ROOTFS: 'true',
      FN_DISABLE_UNPRIVILEGED_CONTAINERS: 'true',
    }).agent;
    const o = createOptions({
      spec: spec(),
      config: loose,
      instanceId: 'I',
      ownerLabels: {},
      iofsDir: '/x',
      network: undefined,
      swappiness: true,
    });
    assert.equal(o.HostConfig?.ReadonlyRootfs, undefined);
    assert.equal(o.HostConfig?.Tmpfs, undefined, 'no tmpfs without read-only root and size');
    assert.equal(o.HostConfig?.CapDrop, undefined);
    assert.equal(o.HostConfig?.SecurityOpt, undefined);
    assert.equal(o.User, undefined);
    const sized = createOptions({
      spec: spec({ tmpfsSizeMB: 8 }),
      config: loose,
      instanceId: 'I',
      ownerLabels: {},
      iofsDir: '/x',
      network: undefined,
      swappiness: true,
    });
    assert.deepEqual(sized.HostConfig?.Tmpfs, { '/tmp': 'size=8m' });
  });

  test('ownership labels win over spec labels; odd ids leave the container unnamed', () => {
    const o = createOptions({
      spec: spec({ id: '../weird id', labels: { 'fnode.instance': 'forged' } }),
      config,
      instanceId: 'I1',
      ownerLabels: {},
      iofsDir: '/x',
      network: undefined,
      swappiness: true,
    });
    assert.equal(o.Labels?.['fnode.instance'], 'I1');
    assert.equal(o.name, undefined);
  });
});

describe('NetworkPicker', () => {
  test('least used first, ties in listed order, released networks come back', () => {
    const p = new NetworkPicker(['a', 'b']);
    assert.equal(p.acquire(), 'a');
    assert.equal(p.acquire(), 'b');
    assert.equal(p.acquire(), 'a');
    p.release('b');
    assert.equal(p.acquire(), 'b');
    assert.equal(new NetworkPicker([]).acquire(), undefined);
  });
});

describe('LineSplitter', () => {
  test('buffers partial lines, splits many, flushes the rest, keeps UTF-8 whole', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from('hel'));
    assert.deepEqual(lines, []);
    s.push(Buffer.from('lo\nwor'));
    assert.deepEqual(lines, ['hello']);
    s.push(Buffer.from('ld\n\nx\n'));
    assert.deepEqual(lines, ['hello', 'world', '', 'x']);
    const euro = Buffer.from('€\n');
    s.push(euro.subarray(0, 1));
    s.push(euro.subarray(1));
    s.push(Buffer.from('tail'));
    s.flush();
    assert.deepEqual(lines, ['hello', 'world', '', 'x', '€', 'tail']);
    s.flush();
    assert.equal(lines.length, 6);
  });

  test('cuts an endless line', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 4);
    s.push(Buffer.from('abcdefghij'));
    assert.deepEqual(lines, ['abcd', 'efgh']);
    s.flush();
    assert.deepEqual(lines, ['abcd', 'efgh', 'ij']);
  });
});

describe('LineSplitter with markers', () => {
  const M = (id: string) => `\u0000fnode-mark:${id}\u0000`;
  const run = (chunks: string[], maxLine?: number) => {
    const out: string[] = [];
    const s = new LineSplitter(
      (l) => out.push(l),
      maxLine,
      (id) => out.push(`<${id}>`),
    );
    for (const c of chunks) s.push(Buffer.from(c));
    s.flush();
    return out;
  };

  test('markers are taken out, in order with the lines around them', () => {
    assert.deepEqual(run([`a\nb\n${M('n:1')}c\n`]), ['a', 'b', '<n:1>', 'c']);
    assert.deepEqual(run([`a\n${M('n:1')}${M('n:2')}`]), ['a', '<n:1>', '<n:2>']);
  });

  test('a partial line before a marker is emitted first; a marker split over chunks waits', () => {
    assert.deepEqual(run(['part', M('x'), 'next\n']), ['part', '<x>', 'next']);
    const m = M('abc:7');
    assert.deepEqual(run(['a\n', m.slice(0, 5), m.slice(5, 14), `${m.slice(14)}b\n`]), ['a', '<abc:7>', 'b']);
  });

  test('marker look-alikes stay output; an unfinished marker at the end is dropped', () => {
    assert.deepEqual(run(['\u0000fnode-mark:no end\nx\n']), ['\u0000fnode-mark:no end', 'x']);
    const long = `\u0000fnode-mark:${'z'.repeat(100)}\u0000\n`;
    assert.deepEqual(run([long]), [long.slice(0, -1)]);
    assert.deepEqual(run(['tail', M('q').slice(0, 8)]), ['tail']);
  });

  test('without onMark, markers are plain text', () => {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l));
    s.push(Buffer.from(`${M('1')}x\n`));
    assert.deepEqual(out, [`${M('1')}x`]);
  });
});

/** Docker's attach framing: 1 = stdout, 2 = stderr. */
function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

describe('OutputRouter', () => {
  /** A container whose pipes we play: `marks` are what the barrier wrote, sent on when we say. */
  const setup = (withBarrier = true) => {
    const stream = new PassThrough();
    const marks: string[] = [];
    const barrier: MarkerWriter = {
      write: (text) => {
        marks.push(text);
        return true;
      },
    };
    const router = new OutputRouter(
      () => {},
      () => {},
      () => true,
    );
    router.attach(stream);
    if (withBarrier) router.useBarrier(barrier);
    const out = (text: string) => stream.write(frame(1, text));
    const err = (text: string) => stream.write(frame(2, text));
    const flush = () => new Promise<void>((r) => setImmediate(r));
    return { stream, router, marks, out, err, flush };
  };

  test('lines written before a change go to the previous listener, even when they arrive after it', async () => {
    const { router, marks, out, err, flush } = setup();
    const a: string[] = [];
    const b: string[] = [];
    void router.setListener((l) => a.push(l)); // idle: at once, no marker
    assert.equal(marks.length, 0);
    out('a1\n');
    await flush();
    let switched = false;
    const done = router
      .setListener((l) => b.push(l))
      .then(() => {
        switched = true;
      });
    assert.equal(marks.length, 1);
    out('a2\n'); // written by call A before the change, delivered after it
    err('a3\n');
    out(marks[0] ?? '');
    await flush();
    assert.equal(switched, false, 'stderr has not seen the marker yet');
    out('b1\n');
    err(`${marks[0]}b2\n`);
    await done;
    assert.deepEqual(a, ['a1', 'a2', 'a3']);
    assert.deepEqual(b, ['b1', 'b2']);
  });

  test('clear then set rides on the same marker; idle output between calls goes nowhere', async () => {
    const { router, marks, out, err, flush } = setup();
    const a: string[] = [];
    const b: string[] = [];
    void router.setListener((l) => a.push(l));
    const cleared = router.setListener(undefined);
    const set = router.setListener((l) => b.push(l));
    assert.equal(marks.length, 1, 'one marker per call');
    out('late a\n');
    err('late a err\n');
    out(marks[0] ?? '');
    err(marks[0] ?? '');
    await Promise.all([cleared, set]);
    out('b\n');
    await flush();
    assert.deepEqual(a, ['late a', 'late a err']);
    assert.deepEqual(b, ['b']);

    // After a completed clear, output with no listener is dropped; the next set is immediate.
    await router.setListener(undefined);
    const c: string[] = [];
    out(marks.at(-1) ?? '');
    err(marks.at(-1) ?? '');
    await flush();
    out('idle\n');
    await flush();
    await router.setListener((l) => c.push(l));
    out('c\n');
    await flush();
    assert.deepEqual(c, ['c']);
    assert.equal(b.includes('idle'), false);
  });

  test('swaps while earlier markers are still on their way keep every call apart', async () => {
    const { router, marks, out, err } = setup();
    const got: Record<string, string[]> = { a: [], b: [], c: [] };
    void router.setListener((l) => got['a']?.push(l));
    const toB = router.setListener((l) => got['b']?.push(l));
    const toC = router.setListener((l) => got['c']?.push(l));
    const clear = router.setListener(undefined);
    assert.equal(marks.length, 3, 'a marker per change while a call may be running');
    for (const send of [out, err]) send(`a\n${marks[0]}b\n${marks[1]}c\n${marks[2]}idle\n`);
    await Promise.all([toB, toC, clear]);
    assert.deepEqual(got, { a: ['a', 'a'], b: ['b', 'b'], c: ['c', 'c'] });
  });

  test('drain resolves when its marker is back on both streams; markers never reach listeners', async () => {
    const { router, marks, out, err, flush } = setup();
    const a: string[] = [];
    void router.setListener((l) => a.push(l));
    let drained = false;
    const d = router.drain().then(() => {
      drained = true;
    });
    out(`x\n${marks[0]}`);
    await flush();
    assert.equal(drained, false);
    err(`y\n${marks[0]}`);
    await d;
    assert.deepEqual(a, ['x', 'y']);
  });

  test('the end of the output settles everything; a lost marker times out', async () => {
    const { router, stream } = setup();
    void router.setListener(() => {});
    const d = router.drain(20);
    const t0 = Date.now();
    await d;
    assert.ok(Date.now() - t0 >= 15, 'waited for the marker until the timeout');
    const d2 = router.drain();
    stream.end();
    await d2;
    await router.ended;
  });

  test('without a barrier: changes at once, a cleared listener lingers', async () => {
    const { router, out, flush } = setup(false);
    const a: string[] = [];
    const b: string[] = [];
    void router.setListener((l) => a.push(l));
    const cleared = router.setListener(undefined);
    out('late\n');
    await cleared;
    void router.setListener((l) => b.push(l));
    out('next\n');
    await flush();
    assert.deepEqual(a, ['late']);
    assert.deepEqual(b, ['next']);
  });
});

describe('StreamDemuxer', () => {
  test('splits frames across and within chunks', () => {
    const got: string[] = [];
    const d = new StreamDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
    const all = Buffer.concat([frame(1, 'out1'), frame(2, 'err1'), frame(1, ''), frame(1, 'out2')]);
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
    assert.deepEqual(got, ['stdout:out1', 'stderr:err1', 'stdout:', 'stdout:out2']);
  });
});

describe('checkSocket and SocketWait', () => {
  let dir: string;
  let server: Server;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnode-sock-'));
    server = createServer();
    await new Promise<void>((r) => server.listen(join(dir, 'real.sock'), r));
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('accepts a socket and a relative symlink to one; refuses the rest', () => {
    const d = mkdtempSync(join(dir, 'c-'));
    assert.equal(checkSocket(d).kind, 'missing');
    symlinkSync('../real.sock', join(d, 'lsnr.sock'));
    assert.equal(checkSocket(d).kind, 'bad', 'a target outside the directory');
    assert.equal(checkSocket(dir, 'real.sock').kind, 'ready');
    symlinkSync('real.sock', join(dir, 'rel.sock'));
    assert.equal(checkSocket(dir, 'rel.sock').kind, 'ready');
    symlinkSync(join(dir, 'real.sock'), join(dir, 'abs.sock'));
    assert.equal(checkSocket(dir, 'abs.sock').kind, 'bad', 'an absolute target');
    writeFileSync(join(dir, 'file.sock'), 'x');
    assert.equal(checkSocket(dir, 'file.sock').kind, 'bad', 'a regular file');
    symlinkSync('file.sock', join(dir, 'tofile.sock'));
    assert.equal(checkSocket(dir, 'tofile.sock').kind, 'bad', 'a link to a file');
    symlinkSync('nothing.sock', join(dir, 'dangling.sock'));
    assert.equal(checkSocket(dir, 'dangling.sock').kind, 'bad', 'a dangling link');
  });

  test('resolves when the socket link appears, rejects with init fail on a bad one', async () => {
    const d = mkdtempSync(join(dir, 'w-'));
    const w = new SocketWait(d);
    const s = createServer();
    await new Promise<void>((r) => s.listen(join(d, 'lsnr.sock.tmp'), r));
    symlinkSync('lsnr.sock.tmp', join(d, 'lsnr.sock'));
    await w.ready;
    s.close();

    const d2 = mkdtempSync(join(dir, 'w-'));
    const w2 = new SocketWait(d2);
    writeFileSync(join(d2, 'lsnr.sock'), '');
    await assert.rejects(w2.ready, (e: unknown) => e instanceof ApiError && e.status === 502);
    assert.match(w2.badReason ?? '', /not a socket/);
  });

  test('sees a socket made before it was armed; fail() wins only once', async () => {
    const d = mkdtempSync(join(dir, 'p-'));
    symlinkSync('../real.sock', join(d, 'x'));
    const s = createServer();
    await new Promise<void>((r) => s.listen(join(d, 'lsnr.sock'), r));
    const w = new SocketWait(d);
    await w.ready;
    w.fail(new Error('late'));
    await w.ready;
    s.close();

    const w2 = new SocketWait(mkdtempSync(join(dir, 'f-')));
    w2.fail(new Error('first'));
    w2.fail(new Error('second'));
    await assert.rejects(w2.ready, /first/);
  });
});

describe('iofs directory', () => {
  const mode = (d: string) => statSync(d).mode & 0o777;

  test('writable for the socket, then sealed: only sockets and symlinks may be left in it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'fnode-iofs-'));
    try {
      const d = await makeIofsDir(base, 'c1');
      assert.equal(mode(d), 0o777);
      const s = createServer();
      await new Promise<void>((r) => s.listen(join(d, 'phony.sock'), r));
      symlinkSync('phony.sock', join(d, 'lsnr.sock'));
      assert.equal(await sealIofsDir(d), undefined);
      assert.equal(mode(d), 0o755);
      s.close();

      const withFile = await makeIofsDir(base, 'c2');
      writeFileSync(join(withFile, 'hog'), 'x');
      assert.match((await sealIofsDir(withFile)) ?? '', /^hog in \/tmp\/iofs is not a socket/);
      const withDir = await makeIofsDir(base, 'c3');
      mkdirSync(join(withDir, 'sub'));
      assert.match((await sealIofsDir(withDir)) ?? '', /^sub in \/tmp\/iofs is not a socket/);

      assert.equal(
        mode(await makeIofsDir(base, 'legacy', false)),
        0o755,
        'a stdio container has no socket to make',
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
