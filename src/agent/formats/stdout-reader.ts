import { ApiError, Errors } from '../../models/index.js';
import { CallDeadlineError, type FunctionResponse } from '../http-stream.js';

/** 502 with Fn v1's protocol message, e.g. `invalid http response from function err: …`. */
export const errInvalidResponse = (format: string, why: string) =>
  new ApiError(502, `invalid ${format} response from function err: ${why}`);

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

/**
 * Reads the framed answers a legacy-format function writes on its stdout, one call after the
 * other: what is left after one answer belongs to the next. The stream ending is a crash.
 */
export class StdoutReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly maxBytes = 0,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    stream.on('end', end);
    stream.on('close', end);
  }

  /** Everything until the stream ends (the default format: one container, one answer). */
  async readToEnd(signal: AbortSignal): Promise<Buffer> {
    while (!this.ended) await this.more(signal, true);
    return this.take(this.buf.length);
  }

  /** One JSON object (Go's json.Decoder on stdout: values need no newline between them). */
  async readJson(signal: AbortSignal, format: string): Promise<Record<string, unknown>> {
    let pos = 0;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let started = false;
    for (;;) {
      for (; pos < this.buf.length; pos++) {
        const c = this.buf[pos]!;
        if (!started) {
          if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
          if (c !== 0x7b) {
            const junk = this.take(this.buf.length).toString('utf8').slice(0, 64);
            throw errInvalidResponse(
              format,
              `invalid character ${JSON.stringify(junk[0] ?? '')} looking for beginning of value`,
            );
          }
          started = true;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            const text = this.take(pos + 1).toString('utf8');
            try {
              const v: unknown = JSON.parse(text);
              if (typeof v === 'object' && v !== null && !Array.isArray(v))
                return v as Record<string, unknown>;
            } catch (e) {
              throw errInvalidResponse(format, (e as Error).message);
            }
            throw errInvalidResponse(format, 'not an object');
          }
        }
      }
      await this.more(signal);
    }
  }

  /** One HTTP/1.1 response (Go's http.ReadResponse): Content-Length or chunked; neither = empty. */
  async readHttp(signal: AbortSignal): Promise<FunctionResponse> {
    const headEnd = await this.indexOf('\r\n\r\n', signal);
    const head = this.take(headEnd + 4)
      .toString('latin1')
      .slice(0, -4);
    const [statusLine = '', ...lines] = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine.trimStart());
    if (!m) throw errInvalidResponse('http', `malformed HTTP response ${JSON.stringify(statusLine)}`);
    const status = Number(m[1]);
    const headers: Record<string, string | string[]> = {};
    let length: number | undefined;
    let chunked = false;
    for (const line of lines) {
      const i = line.indexOf(':');
      if (i <= 0) throw errInvalidResponse('http', `malformed MIME header line: ${line}`);
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        length = Number(value);
        if (!Number.isInteger(length) || length < 0)
          throw errInvalidResponse('http', `bad Content-Length ${JSON.stringify(value)}`);
      }
      if (lower === 'transfer-encoding' && value.toLowerCase() === 'chunked') chunked = true;
      if (HOP_BY_HOP.has(lower)) continue;
      const prev = headers[lower];
      headers[lower] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    }
    let body: Buffer;
    if (chunked) body = await this.readChunked(signal);
    else body = await this.readExactly(length ?? 0, signal);
    return { status, headers, body };
  }

  private async readChunked(signal: AbortSignal): Promise<Buffer> {
    const parts: Buffer[] = [];
    // Each chunk is checked on its own as it is read; the body they make is checked here.
    let total = 0;
    for (;;) {
      const nl = await this.indexOf('\r\n', signal);
      const sizeLine =
        this.take(nl + 2)
          .toString('latin1')
          .trim()
          .split(';')[0] ?? '';
      const size = Number.parseInt(sizeLine, 16);
      if (!Number.isInteger(size) || size < 0) throw errInvalidResponse('http', 'malformed chunked encoding');
      if (size === 0) {
        // trailers, up to an empty line
        for (;;) {
          const end = await this.indexOf('\r\n', signal);
          if (this.take(end + 2).length === 2) return Buffer.concat(parts);
        }
      }
      total += size;
      if (this.maxBytes > 0 && total > this.maxBytes) throw Errors.FunctionResponseTooBig.copy();
      parts.push(await this.readExactly(size, signal));
      await this.readExactly(2, signal);
    }
  }

  /** Waits until `needle` is in the buffer; its index. */
  private async indexOf(needle: string, signal: AbortSignal): Promise<number> {
    for (;;) {
      const i = this.buf.indexOf(needle);
      if (i !== -1) return i;
      await this.more(signal);
    }
  }

  private async readExactly(n: number, signal: AbortSignal): Promise<Buffer> {
    if (this.maxBytes > 0 && n > this.maxBytes) throw Errors.FunctionResponseTooBig.copy();
    while (this.buf.length < n) await this.more(signal);
    return this.take(n);
  }

  private take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Waits for more output; the end of the stream is a crash unless `endOk`. */
  private more(signal: AbortSignal, endOk = false): Promise<void> {
    if (this.maxBytes > 0 && this.buf.length > this.maxBytes) {
      return Promise.reject(Errors.FunctionResponseTooBig.copy());
    }
    if (signal.aborted) return Promise.reject(new CallDeadlineError());
    if (this.ended) return endOk ? Promise.resolve() : Promise.reject(Errors.FunctionResponse.copy());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.wake = undefined;
        reject(new CallDeadlineError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => {
        this.wake = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }
}
