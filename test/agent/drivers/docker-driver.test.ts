// The Docker driver against a real Docker Engine and the real test function images
// (scripts/build-test-images.sh). Without an engine: skipped, or failed under CI=true.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import Dockerode from 'dockerode';
import { Client } from 'undici';
import { type DockerContainer, DockerDriver } from '../../../src/agent/drivers/docker/index.js';
import type { Container, ContainerSpec } from '../../../src/agent/drivers/index.js';
import { type AgentConfig, loadConfig } from '../../../src/config/index.js';
import { ApiError } from '../../../src/models/api-error.js';
import { Errors } from '../../../src/models/errors.js';

const docker = new Dockerode();

async function skipReason(): Promise<string | false> {
  try {
    await new DockerDriver({ config: loadConfig({}).agent, instanceId: 'probe' }).ping();
  } catch (err) {
    if (process.env['CI'] === 'true') throw err;
    return `Docker is not reachable (${(err as Error).message})`;
  }
  try {
    await docker.getImage('fnode-test/hello').inspect();
  } catch {
    const msg = 'test images are missing: run scripts/build-test-images.sh';
    if (process.env['CI'] === 'true') throw new Error(msg);
    return msg;
  }
  return false;
}

const skip = await skipReason();

/** Small images made here from the base image, for the ways a container can fail to start. */
const EXTRA_IMAGES: Record<string, string> = {
  // Runs, never makes a socket.
  'fnode-test/driver-nosocket': `["node","-e","setInterval(()=>{},1000)"]`,
  // Says something without a newline, then exits at once.
  'fnode-test/driver-exit': `["node","-e","process.stdout.write('bye without newline');process.exit(3)"]`,
  // A socket behind an absolute symlink, which Fn refuses.
  'fnode-test/driver-abslink': `["node","-e","const s=require('net').createServer().listen('/tmp/iofs/real.sock',()=>require('fs').symlinkSync('/tmp/iofs/real.sock','/tmp/iofs/lsnr.sock'));setInterval(()=>{},1000)"]`,
  // An entrypoint that does not exist: the runtime cannot start it.
  'fnode-test/driver-noexec': `["/no/such/binary"]`,
  // A regular file where the socket should be.
  'fnode-test/driver-file': `["node","-e","require('fs').writeFileSync('/tmp/iofs/lsnr.sock','x');setInterval(()=>{},1000)"]`,
};

function buildExtraImages(): void {
  for (const [name, entrypoint] of Object.entries(EXTRA_IMAGES)) {
    execFileSync('docker', ['build', '-q', '-t', name, '-'], {
      input: `FROM fnode/node-base:20\nENTRYPOINT ${entrypoint}\n`,
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: 120_000,
    });
  }
}

const FN_ENV = { FN_FORMAT: 'http-stream', FN_LISTENER: 'unix:/tmp/iofs/lsnr.sock' };

describe('DockerDriver', { skip }, () => {
  const tag = `fnode-drvtest-${randomUUID().slice(0, 8)}`;
  const iofsBase = mkdtempSync(join(tmpdir(), 'fnode-drv-iofs-'));
  let config: AgentConfig;
  let driver: DockerDriver;
  const started: Container[] = [];

  const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
    id: randomUUID(),
    image: 'fnode-test/hello',
    memoryMB: 128,
    cpus: 0,
    env: { ...FN_ENV },
    labels: {},
    // Generous: a cold start on a loaded machine is slow; the timeout's own test sets a short one.
    startTimeoutMs: 30_000,
    ...over,
  });

  const start = async (over: Partial<ContainerSpec> = {}, d = driver): Promise<Container> => {
    const c = await d.start(spec(over));
    started.push(c);
    return c;
  };

  const ourContainers = () => docker.listContainers({ all: true, filters: { label: [`fnode.tag=${tag}`] } });

  async function call(c: Container, body: string, headers: Record<string, string> = {}) {
    const client = new Client('http://localhost', { socketPath: c.socketPath });
    try {
      const res = await client.request({
        method: 'POST',
        path: '/call',
        headers: {
          'fn-call-id': 'call-1',
          'fn-deadline': new Date(Date.now() + 30_000).toISOString(),
          'content-type': 'application/json',
          ...headers,
        },
        body,
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } finally {
      await client.close().catch(() => {});
    }
  }

  const isApiError = (status: number, message: string) => (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.status, status);
    assert.equal(e.message, message);
    return true;
  };
  /** Fn's start failure, with the cause after it when Docker or the process gave one. */
  const isStartFailure = (cause: RegExp | undefined) => (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.status, 502);
    if (!cause) assert.equal(e.message, Errors.ContainerInitFail.message);
    else assert.match(e.message.slice(Errors.ContainerInitFail.message.length), cause);
    assert.ok(e.message.startsWith(Errors.ContainerInitFail.message), e.message);
    return true;
  };

  before(() => {
    config = loadConfig({
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: tag,
      FN_IOFS_PATH: iofsBase,
      FNODE_EXACT_CALL_LOGS: 'true',
    }).agent;
    driver = new DockerDriver({ config, instanceId: randomUUID() });
    buildExtraImages();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((c) => c.remove()));
    assert.deepEqual(await ourContainers(), [], 'every container is removed');
    assert.deepEqual(readdirSync(iofsBase), [], 'every iofs directory is removed');
  });

  after(async () => {
    await driver?.close();
    for (const c of await ourContainers()) await docker.getContainer(c.Id).remove({ force: true });
    rmSync(iofsBase, { recursive: true, force: true });
  });

  test('hello: a real call over the unix socket, with the env the spec gave', async () => {
    const c = await start({
      env: { ...FN_ENV, FN_APP_ID: 'app1', FN_FN_ID: 'fn1', FN_MEMORY: '128', FN_TYPE: 'sync', FOO: 'bar' },
    });
    assert.match(c.dockerId, /^[0-9a-f]{64}$/);
    assert.ok(c.socketPath.startsWith(iofsBase));
    assert.ok(lstatSync(c.socketPath).isSymbolicLink(), 'the FDK made lsnr.sock a link (phony socket)');
    const res = await call(c, '{"name":"fnode"}', { 'fn-call-id': 'abc' });
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text) as {
      message: string;
      env: Record<string, string | null>;
      config: Record<string, string>;
      uid: number;
      gid: number;
    };
    assert.equal(body.message, 'Hello fnode');
    assert.equal(body.env['FN_FORMAT'], 'http-stream');
    assert.equal(body.env['FN_LISTENER'], 'unix:/tmp/iofs/lsnr.sock');
    assert.equal(body.env['FN_APP_ID'], 'app1');
    assert.equal(body.env['FN_FN_ID'], 'fn1');
    assert.equal(body.env['FN_MEMORY'], '128');
    assert.equal(body.env['FN_TYPE'], 'sync');
    assert.deepEqual(body.config, { FOO: 'bar' });
    assert.equal(body.uid, 1000);
    assert.equal(body.gid, 1000);
    assert.ok(res.headers['fn-fdk-version'], 'the FDK answered');
    // The same container serves the next call.
    assert.equal((await call(c, '{}')).status, 200);
  });

  test('container options are applied', async () => {
    const c = await start({ memoryMB: 64, cpus: 500, tmpfsSizeMB: 16, labels: { 'fnode.fn_id': 'fn1' } });
    const info = await docker.getContainer(c.dockerId).inspect();
    const h = info.HostConfig;
    assert.equal(h.Memory, 64 * 1024 * 1024);
    assert.equal(h.MemorySwap, 64 * 1024 * 1024);
    assert.equal(h.ReadonlyRootfs, true);
    assert.deepEqual(h.CapDrop, ['ALL']);
    assert.ok(h.SecurityOpt?.includes('no-new-privileges'));
    assert.equal(h.PidsLimit, 50);
    assert.equal(h.NetworkMode, 'none');
    assert.equal(h.CpuQuota, 50000);
    assert.equal(h.CpuPeriod, 100000);
    assert.equal(h.Init, true);
    assert.deepEqual(h.Tmpfs, { '/tmp': 'size=16m' });
    assert.equal(h.LogConfig?.Type, 'none');
    assert.deepEqual(
      h.Ulimits?.find((u) => u.Name === 'nofile'),
      { Name: 'nofile', Soft: 350, Hard: 350 },
    );
    assert.ok(h.Binds?.some((b: string) => b.endsWith(':/tmp/iofs')));
    assert.equal(info.Config.User, '1000:1000');
    assert.equal(info.Config.Labels['fnode.tag'], tag);
    assert.equal(info.Config.Labels['fnode.fn_id'], 'fn1');
    assert.ok(info.Config.Labels['fnode.instance']);
    assert.deepEqual(Object.keys(info.NetworkSettings.Networks), ['none']);
  });

  test('log lines reach the current listener, in order, per stream', async () => {
    const c = await start({ image: 'fnode-test/logs' });
    const first: string[] = [];
    const got = new Promise<void>((resolve) => {
      c.setLogListener((line, stream) => {
        first.push(`${stream}:${line}`);
        if (first.length === 6) resolve();
      });
    });
    const res = await call(c, '5');
    assert.equal(res.text, 'logged 5');
    await got;
    assert.deepEqual(
      first.filter((l) => l.startsWith('stderr:')),
      ['stderr:line 1', 'stderr:line 2', 'stderr:line 3', 'stderr:line 4', 'stderr:line 5'],
    );
    assert.deepEqual(
      first.filter((l) => l.startsWith('stdout:')),
      ['stdout:stdout line'],
    );

    // A new listener for the next call gets that call's lines only.
    const second: string[] = [];
    const got2 = new Promise<void>((resolve) => {
      c.setLogListener((line) => {
        second.push(line);
        if (second.length === 3) resolve();
      });
    });
    await call(c, '2');
    await got2;
    assert.deepEqual(second.sort(), ['line 1', 'line 2', 'stdout line']);
    assert.equal(first.length, 6);
  });

  test('drainLogs(): every line of a call is delivered before it resolves, markers never show', async (t) => {
    const c = (await start({ image: 'fnode-test/logs' })) as DockerContainer;
    if (process.getuid?.() === 0) assert.ok(c.hasOutputBarrier, 'as root the exact barrier is available');
    let late = 0;
    for (let i = 0; i < 30; i++) {
      const lines: string[] = [];
      c.setLogListener((line) => lines.push(line));
      const res = await call(c, '3');
      assert.equal(res.text, 'logged 3');
      if (lines.length < 4) late++;
      await c.drainLogs();
      c.setLogListener(undefined);
      assert.deepEqual(lines.sort(), ['line 1', 'line 2', 'line 3', 'stdout line'], `call ${i}`);
    }
    t.diagnostic(`${late}/30 calls had lines arriving after the response; barrier: ${c.hasOutputBarrier}`);
    // Several drains at once all settle; the container keeps serving.
    await Promise.all([c.drainLogs(), c.drainLogs(), c.drainLogs()]);
    assert.equal((await call(c, '1')).text, 'logged 1');
  });

  test('FNODE_EXACT_CALL_LOGS=false: no marker through the output; a call still gets its lines', async () => {
    const timed = new DockerDriver({
      config: { ...config, exactCallLogs: false },
      instanceId: randomUUID(),
    });
    const c = (await start({ image: 'fnode-test/logs' }, timed)) as DockerContainer;
    assert.equal(c.hasOutputBarrier, false);
    const lines: string[] = [];
    // Without the marker no drain is exact: wait for the lines themselves.
    const all = new Promise<void>((resolve) => {
      c.setLogListener((line) => {
        lines.push(line);
        if (lines.length === 3) resolve();
      });
    });
    assert.equal((await call(c, '2')).text, 'logged 2');
    await all;
    assert.deepEqual(lines.sort(), ['line 1', 'line 2', 'stdout line']);
  });

  test('each line goes to the listener of the call that wrote it, with no wait between calls', async () => {
    const c = (await start({ image: 'fnode-test/logs' })) as DockerContainer;
    const logs: string[][] = [];
    const closing: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      const mine: string[] = [];
      logs.push(mine);
      // Swap straight to the next call's listener, as soon as the answer is in.
      closing.push(c.setLogListener((line) => mine.push(line)));
      assert.equal((await call(c, String(1 + (i % 3)))).status, 200);
    }
    closing.push(c.setLogListener(undefined));
    await Promise.all(closing);
    logs.forEach((mine, i) => {
      const n = 1 + (i % 3);
      const want = [...Array.from({ length: n }, (_, k) => `line ${k + 1}`), 'stdout line'];
      assert.deepEqual(mine.sort(), want.sort(), `call ${i}`);
    });
  });

  test('awaiting the cleared listener gives the whole log of the call', async () => {
    const c = (await start({ image: 'fnode-test/logs' })) as DockerContainer;
    for (let i = 0; i < 10; i++) {
      const lines: string[] = [];
      c.setLogListener((line) => lines.push(line));
      await call(c, '3');
      await c.setLogListener(undefined); // as the agent does right after the answer
      assert.deepEqual(lines.sort(), ['line 1', 'line 2', 'line 3', 'stdout line'], `call ${i}`);
    }
  });

  test('crash: exited resolves with the exit code, after the last lines', async () => {
    const c = await start({ image: 'fnode-test/crash' });
    const lines: string[] = [];
    c.setLogListener((line) => lines.push(line));
    await assert.rejects(call(c, 'x'));
    const exit = await c.exited;
    assert.deepEqual(exit, { exitCode: 1, oomKilled: false });
    assert.ok(lines.includes('crash: exiting with status 1'), `got ${JSON.stringify(lines)}`);
    await c.remove();
    assert.deepEqual(await c.exited, exit, 'exited settles once');
  });

  test('oom: a function over its memory limit is OOM-killed', async () => {
    const c = await start({ image: 'fnode-test/oom', memoryMB: 32 });
    await assert.rejects(call(c, '1024'));
    const exit = await c.exited;
    assert.equal(exit.oomKilled, true);
    assert.equal(exit.exitCode, 137);
  });

  test('no socket in time: ContainerInitTimeout (504), container removed', async () => {
    const t0 = Date.now();
    await assert.rejects(
      start({ image: 'fnode-test/driver-nosocket', startTimeoutMs: 1500 }),
      isApiError(504, Errors.ContainerInitTimeout.message),
    );
    const ms = Date.now() - t0;
    assert.ok(ms >= 1500, `took ${ms} ms`);
  });

  test('exits before the socket: ContainerInitFail (502), quickly', async () => {
    // With a start timeout far away, a 502 (not the timeout's 504) shows it did not wait for it.
    await assert.rejects(
      start({ image: 'fnode-test/driver-exit', startTimeoutMs: 120_000 }),
      isStartFailure(/^: container exit code \d+/),
    );
  });

  test('a bad socket (absolute symlink, regular file) or no entrypoint: ContainerInitFail (502)', async () => {
    for (const image of ['fnode-test/driver-abslink', 'fnode-test/driver-file']) {
      await assert.rejects(start({ image, startTimeoutMs: 120_000 }), isStartFailure(undefined), image);
    }
    // Docker's own reason comes after Fn's message.
    await assert.rejects(
      start({ image: 'fnode-test/driver-noexec', startTimeoutMs: 120_000 }),
      isStartFailure(/^: .+/),
    );
  });

  test('missing image: 502 Failed to pull image', async () => {
    await assert.rejects(start({ image: '127.0.0.1:9/missing:1' }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 502);
      assert.match(e.message, /^Failed to pull image '127\.0\.0\.1:9\/missing:1': .+/);
      return true;
    });
  });

  test('an abort during start removes the container and rethrows', async () => {
    const ac = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => ac.abort(reason), 300);
    await assert.rejects(
      driver.start(spec({ image: 'fnode-test/driver-nosocket' }), ac.signal),
      (e) => e === reason,
    );
    await assert.rejects(driver.start(spec(), AbortSignal.abort(reason)), (e) => e === reason);
  });

  test('remove() is idempotent and safe concurrently; exited resolves once', async () => {
    const c = await start();
    await Promise.all([c.remove(), c.remove(), c.remove()]);
    await c.remove();
    const exit = await c.exited;
    assert.equal(exit.oomKilled, false);
    await assert.rejects(
      docker.getContainer(c.dockerId).inspect(),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
    assert.deepEqual(await c.exited, exit);
  });

  test('removeLeftovers keeps the containers of a live server, whatever its tag, and removes those of one that is gone', async () => {
    const lockDir = mkdtempSync(join(tmpdir(), 'fnode-owners-'));
    const otherTag: AgentConfig = { ...config, containerLabelTag: `${config.containerLabelTag}-other` };
    const other = new DockerDriver({ config: otherTag, instanceId: randomUUID(), lockDir });
    const theirs = await start({}, other);
    const ours = await start();
    assert.equal(await driver.removeLeftovers(), 0, 'a live server keeps its containers');
    assert.equal((await docker.getContainer(theirs.dockerId).inspect()).State.Running, true);
    // The other server dies: its lock goes with it.
    rmSync(lockDir, { recursive: true, force: true });
    assert.equal(await driver.removeLeftovers(), 1);
    assert.equal(existsSync(dirname(theirs.socketPath)), false, 'their iofs directory is removed too');
    assert.equal(existsSync(ours.socketPath), true);
    await assert.rejects(
      docker.getContainer(theirs.dockerId).inspect(),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
    assert.equal((await docker.getContainer(ours.dockerId).inspect()).State.Running, true);
    assert.equal((await theirs.exited).oomKilled, false);
    assert.equal(await driver.removeLeftovers(), 0);
  });

  test('several starts at once', async () => {
    const cs = await Promise.all([start(), start(), start()]);
    const answers = await Promise.all(cs.map((c) => call(c, '{"name":"x"}')));
    for (const a of answers) assert.equal(JSON.parse(a.text).message, 'Hello x');
    assert.equal(new Set(cs.map((c) => c.dockerId)).size, 3);
  });

  test('ping says what to do when the engine is unreachable', async () => {
    const d = new DockerDriver({
      config,
      instanceId: 'x',
      docker: new Dockerode({ socketPath: join(iofsBase, 'no-docker.sock') }),
    });
    await assert.rejects(
      d.ping(),
      /Docker is not reachable at .*no-docker\.sock: start it with scripts\/docker-up\.sh or set DOCKER_HOST/,
    );
  });
});
