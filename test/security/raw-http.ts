import { connect } from 'node:net';

/** A request as bytes on the wire: any method token, any target, repeated or odd headers. */
export interface RawRequest {
  method: string;
  /** The request target as sent: path and query, not normalised nor encoded further. */
  target: string;
  /** In order, repeats kept; without a `host` entry one naming the server is added. */
  headers: readonly (readonly [string, string])[];
  body?: Uint8Array | undefined;
  /** Sends the body with `Transfer-Encoding: chunked` (in a few chunks) instead of Content-Length. */
  chunked?: boolean | undefined;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** No answer within the client's timeout: the server hangs (or never closed the connection). */
export class NoAnswerError extends Error {}

/**
 * One request on its own connection, written byte for byte, so that the input may be what no HTTP
 * client library would send. Resolves the first complete answer (then closes the connection);
 * rejects with NoAnswerError after `timeoutMs`, or when the server closed without an answer.
 */
export function sendRaw(port: number, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      const res = parseResponse(received, req.method === 'HEAD', closed);
      if (!res && !closed) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (res) resolve(res);
      else reject(new NoAnswerError(`connection closed without an answer (${received.length} bytes)`));
    };
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new NoAnswerError(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    // A server that answers before reading the whole body may reset the connection: what it
    // sent before counts.
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      finish(false);
    });
    socket.on('close', () => finish(true));
    // Kept alive, as by real clients: a server closing a connection with a body left unread
    // resets it, and the reset may cut the answer short before it is read.
    socket.on('connect', () => socket.write(encodeRequest(req, port)));
  });
}

export function encodeRequest(req: RawRequest, port: number): Buffer {
  const lines = [`${req.method} ${req.target} HTTP/1.1`];
  if (!req.headers.some(([k]) => k.toLowerCase() === 'host')) lines.push(`Host: 127.0.0.1:${port}`);
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`);
  const body = req.body;
  if (body === undefined) return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!req.chunked) {
    lines.push(`Content-Length: ${body.length}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  }
  lines.push('Transfer-Encoding: chunked');
  const parts: Buffer[] = [Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')];
  const third = Math.max(1, Math.ceil(body.length / 3));
  for (let at = 0; at < body.length; at += third) {
    const piece = body.subarray(at, at + third);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), Buffer.from(piece), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/**
 * The final answer in `raw` (1xx interim answers skipped), or undefined while incomplete. An answer
 * without Content-Length or chunked framing ends when the server closes the connection (`closed`).
 */
export function parseResponse(raw: Buffer, head: boolean, closed: boolean): RawResponse | undefined {
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) return undefined;
    const headers: Record<string, string[]> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const values = headers[name] ?? [];
      values.push(line.slice(colon + 1).trim());
      headers[name] = values;
    }
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) continue;
    if (head || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
    if (headers['transfer-encoding']?.some((v) => /chunked/i.test(v))) {
      const body = dechunk(rest);
      return body ? { status, headers, body } : undefined;
    }
    const length = headers['content-length']?.[0];
    if (length !== undefined) {
      const n = Number(length);
      if (rest.length < n) return undefined;
      return { status, headers, body: rest.subarray(0, n) };
    }
    return closed ? { status, headers, body: rest } : undefined;
  }
}

function dechunk(raw: Buffer): Buffer | undefined {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size)) return undefined;
    if (size === 0) return Buffer.concat(out);
    const start = lineEnd + 2;
    if (raw.length < start + size) return undefined;
    out.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
}
