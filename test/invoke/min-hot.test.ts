import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

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

/**
 * A listener that runs "the function" for any request, as the Go FDK does, and counts the runs;
 * FDK_VERSION is what it answers in Fn-Fdk-Version.
 */
const ANY_REQUEST_FDK = `const http=require('http'),fs=require('fs');let served=0;
http.createServer((q,r)=>{q.resume();q.on('end',()=>{served++;
r.writeHead(200,{'Content-Type':'application/json','Fn-Fdk-Version':process.env.FDK_VERSION});
r.end(JSON.stringify({served}));});}).listen('/tmp/iofs/lsnr.sock.tmp',()=>{
fs.chmodSync('/tmp/iofs/lsnr.sock.tmp',0o666);fs.symlinkSync('lsnr.sock.tmp','/tmp/iofs/lsnr.sock');});`;

function buildAnyRequestImage(name: string, fdkVersion: string): void {
  execFileSync('docker', ['build', '-q', '-t', name, '-'], {
    input: `FROM fnode/node-base:20\nENV FDK_VERSION=${fdkVersion}\nENTRYPOINT ${JSON.stringify(['node', '-e', ANY_REQUEST_FDK])}\n`,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: ['pipe', 'ignore', 'pipe'],
    timeout: 120_000,
  });
}

/** Containers this server is starting (or warming up), from its metrics. */
async function starting(base: string): Promise<number> {
  const res = await http(base, 'GET', '/metrics');
  return Number(/^fn_container_starting (\d+)/m.exec(res.text)?.[1] ?? Number.NaN);
}

/**
 * Kills the one kept container of a min-hot 1 fn and waits for its replacement to be up and
 * ready (warmed, if it is to be): the replacement's id.
 */
async function replaceKept(fnode: TestFnode, fnId: string): Promise<string> {
  const [victim] = warmOf(fnode.tag, fnId);
  execFileSync('docker', ['kill', victim!], { stdio: 'ignore' });
  return eventually(async () => {
    const now = warmOf(fnode.tag, fnId);
    return now.length === 1 && !now.includes(victim!) && (await starting(fnode.url)) === 0
      ? now[0]
      : undefined;
  }, 20_000);
}

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

  it('warms a Node FDK replacement without running the function or putting its output in a call log', async () => {
    const fnode = await startTestFnode();
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/headers', {
        annotations: { 'fnode.io/min-hot': 1 },
      });
      await eventually(count(fnode.tag, fnId, 1), 20_000);
      // The first call tells fnode that this image runs the Node FDK.
      const first = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{"name":"first"}');
      assert.equal(first.json<{ served: number }>().served, 1);
      const kept = await replaceKept(fnode, fnId);
      // The replacement was warmed (a GET the FDK answers 400, printing the error): the function
      // has still run only this call, and the FDK's line is in no call's log.
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{"name":"second"}');
      assert.equal(res.status, 200);
      assert.equal(res.json<{ served: number }>().served, 1);
      assert.deepEqual(warmOf(fnode.tag, fnId), [kept]);
      const callId = String(res.headers['fn-call-id']);
      const log = await eventually(async () => {
        const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`);
        return r.status === 200 ? r : undefined;
      });
      assert.doesNotMatch(log.text, /Invalid method|Error 400/);
    } finally {
      await fnode.stop();
    }
  });

  it('warms a replacement only for an FDK known to take a request that is not a call', async () => {
    buildAnyRequestImage('fnode-test/any-request-go', 'fdk-go/0.0.1');
    buildAnyRequestImage('fnode-test/any-request-node', 'fdk-node/0.0.1');
    const fnode = await startTestFnode();
    try {
      // The Go FDK runs the function for any request: its containers are never warmed. A listener
      // that claims to be the Node FDK is warmed, which this one shows by counting it as a run.
      for (const [image, runsAtFirstCall] of [
        ['fnode-test/any-request-go', 1],
        ['fnode-test/any-request-node', 2],
      ] as const) {
        const { fnId } = await createFn(fnode.url, image, { annotations: { 'fnode.io/min-hot': 1 } });
        await eventually(count(fnode.tag, fnId, 1), 20_000);
        // Nothing answered for this image yet: its first container is not warmed.
        const first = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
        assert.equal(first.json<{ served: number }>().served, 1, image);
        await replaceKept(fnode, fnId);
        const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json<{ served: number }>().served, runsAtFirstCall, image);
      }
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
