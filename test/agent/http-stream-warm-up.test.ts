import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HttpStreamClient } from '../../src/agent/http-stream.js';

/** An http-stream listener on a unix socket, as an FDK serves one; `handle` answers each request. */
async function listener(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-warm-up-'));
  const socketPath = join(dir, 'lsnr.sock');
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the Node FDK does: anything but POST /call is a 400; a call answers its body back. */
const fdkLike = (req: IncomingMessage, res: ServerResponse) => {
  if (req.method !== 'POST' || req.url !== '/call') {
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"Invalid method"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => res.writeHead(200).end(Buffer.concat(chunks)));
};

const call = { headers: {}, body: Buffer.from('hi'), timeoutMs: 5000, maxResponseSize: 0 };

describe('http-stream warm-up of a container started ahead of its calls', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of closers) await c();
  });

  it('sends one GET that is not a call, and a call sent meanwhile is answered after it', async () => {
    const l = await listener(fdkLike);
    const client = new HttpStreamClient(l.socketPath);
    closers.push(async () => {
      client.close();
      await l.close();
    });
    const warm = client.warmUp();
    const res = await client.call(call);
    await warm;
    assert.deepEqual(l.seen, ['GET /', 'POST /call']);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hi');
  });

  it('gives up on a listener that does not answer it, and the next call still gets through', async () => {
    let hung = true;
    const l = await listener((req, res) => {
      if (hung && req.method === 'GET') {
        hung = false;
        return; // never answered
      }
      fdkLike(req, res);
    });
    const client = new HttpStreamClient(l.socketPath);
    closers.push(async () => {
      client.close();
      await l.close();
    });
    await client.warmUp(50);
    const res = await client.call(call);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hi');
    assert.deepEqual(l.seen, ['GET /', 'POST /call']);
  });
});
