import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { JSON_CONTENT_TYPE } from './json-content-type.js';
import { isV1Path } from './v1-errors.js';

/** What Node's HTTP parser says about a request it refused, with the bytes it had read (a Buffer). */
interface ClientError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/** The request target from the request line of `raw`, or '' when there is none to read. */
function targetOf(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '';
  const line = raw.subarray(0, 8192).toString('latin1').split('\r\n', 1)[0] ?? '';
  return line.split(' ')[1] ?? '';
}

/**
 * Requests that Node's HTTP parser refuses before any route sees them (a malformed request line
 * or header, headers over Node's size limit, a request too slow to arrive) are answered with
 * Fn's error body, in the shape of the path when the request line could be read, rather than
 * Fastify's `{"error","message","statusCode"}`. The connection is closed after the answer.
 */
export function clientErrorHandler(this: FastifyInstance, err: ClientError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message = STATUS_CODES[status] ?? 'Bad Request';
  this.log.debug({ err }, 'client error');
  const body = JSON.stringify(isV1Path(targetOf(err.rawPacket)) ? { error: { message } } : { message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${message}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
