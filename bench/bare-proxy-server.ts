// The least any Node.js front can add to a hot call: a bare node:http server that relays each
// request to the function's socket over one kept-alive undici connection, as fnode does with a
// hot container, and nothing else (no routing, records, logs or metrics). Its cost over the
// direct socket is the extra hop itself: on a small VM mostly the kernel's work for two more
// writes and wake-ups.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'undici';

export interface BareProxy {
  url: string;
  close(): Promise<void>;
}

export async function startBareProxy(
  socketPath: string,
  headers: Record<string, string>,
): Promise<BareProxy> {
  const client = new Client('http://localhost', { socketPath, pipelining: 1 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      client
        .request({
          path: '/call',
          method: 'POST',
          body: Buffer.concat(chunks),
          headers: { ...headers, 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
        })
        .then(async (up) => {
          const body = Buffer.from(await up.body.arrayBuffer());
          res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? '') });
          res.end(body);
        })
        .catch((err: Error) => {
          res.writeHead(502).end(err.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await client.close();
    },
  };
}
