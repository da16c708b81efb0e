import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { JSON_CONTENT_TYPE } from './json-content-type.js';
import { isV1Path } from './v1-errors.js';

/**
 * Requests Node's HTTP server keeps from Fastify, answered as Fn answers: an `Expect` other than
 * `100-continue` is 417 with Fn's error body (Node sends 417 without one), and a CONNECT is
 * routed like any other request, to Fn's 404 or 405 (Node would close the connection unanswered,
 * having nobody to hand the tunnel to).
 */
export function answerOutsideRoutes(app: FastifyInstance): void {
  const server = app.server;
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const message = 'Expectation Failed';
    const body = JSON.stringify(isV1Path(req.url ?? '') ? { error: { message } } : { message });
    res.shouldKeepAlive = false;
    res.writeHead(417, {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    // Node reads no body for a CONNECT (what follows its head is the tunnel's): none to wait for.
    delete req.headers['content-length'];
    delete req.headers['transfer-encoding'];
    req.push(null);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    // A net.Socket, which Node types as a Duplex for this event. Node no longer tracks it as an
    // HTTP connection: closed after the answer, it cannot hold the server's close.
    res.assignSocket(socket as Socket);
    res.on('finish', () => socket.end(() => socket.destroy()));
    socket.on('end', () => socket.destroy());
    socket.on('error', () => socket.destroy());
    server.emit('request', req, res);
  });
}
