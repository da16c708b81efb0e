// The least any Node.js front can add to a hot call: a bare node:http server that relays each
// request to the function's socket over one kept-alive undici connection, as fnode does with a
// hot container, and nothing else (no routing, records, logs or metrics). Its cost over the
// direct socket is the extra hop itself: on a small VM mostly the kernel's work for two more
// writes and wake-ups.
//
// Run as its own process, like the server it is compared with:
//   node --import tsx bench/bare-proxy.ts <socket path> '<headers as JSON>'
// It prints its URL on a line of its own, then serves until SIGTERM or SIGINT.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'undici';

const [socketPath, headersJson] = process.argv.slice(2);
if (!socketPath) {
  console.error('usage: bare-proxy.ts <socket path> [headers JSON]');
  process.exit(2);
}
const headers = JSON.parse(headersJson ?? '{}') as Record<string, string>;

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
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`http://127.0.0.1:${port}`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  void client.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
