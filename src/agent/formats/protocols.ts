import type { FunctionResponse } from '../http-stream.js';
import type { AgentCall } from '../function-spec.js';
import type { CallRequest } from './call-request.js';
import { errInvalidResponse, type StdoutReader } from './stdout-reader.js';

/** One hot legacy protocol: writes a call on stdin, reads its answer from stdout. */
export interface StdioProtocol {
  write(stdin: NodeJS.WritableStream, call: AgentCall, req: CallRequest): void;
  read(out: StdoutReader, signal: AbortSignal, call: AgentCall, req: CallRequest): Promise<FunctionResponse>;
}

export const CLOUDEVENT_TYPE = 'application/cloudevents+json';

const CRLF = Buffer.from('\r\n');

const asHeaders = (h: unknown): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  if (typeof h !== 'object' || h === null) return out;
  for (const [k, v] of Object.entries(h)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.map(String);
  }
  return out;
};

const statusOf = (p: unknown): number => {
  const s = typeof p === 'object' && p !== null ? (p as { status_code?: unknown }).status_code : undefined;
  return typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599 ? s : 200;
};

/** `http`: an HTTP/1.1 request on stdin, with Fn v1's FN_* headers; an HTTP/1.1 response on stdout. */
export const httpProtocol: StdioProtocol = {
  write(stdin, call, req) {
    let target = '/';
    let host = 'localhost';
    try {
      const u = new URL(req.url);
      target = u.pathname + u.search;
      host = u.host;
    } catch {
      // keep the defaults
    }
    const lines = [`${req.method} ${target} HTTP/1.1`, `Host: ${host}`];
    for (const [k, vs] of Object.entries(req.headers)) for (const v of vs) lines.push(`${k}: ${v}`);
    lines.push(
      `Fn_deadline: ${req.deadline}`,
      `Fn_method: ${req.method}`,
      `Fn_request_url: ${req.url}`,
      `Fn_call_id: ${call.id}`,
      // As Go's Request.Write does: a body that came without a length goes on chunked.
      req.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${call.body.length}`,
    );
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    if (!req.chunked) {
      stdin.write(Buffer.concat([head, call.body]));
      return;
    }
    const chunk =
      call.body.length > 0 ? [Buffer.from(`${call.body.length.toString(16)}\r\n`), call.body, CRLF] : [];
    stdin.write(Buffer.concat([head, ...chunk, Buffer.from('0\r\n\r\n')]));
  },
  read(out, signal) {
    return out.readHttp(signal);
  },
};

/** `json`: Fn v1's JSON framing, one object per call each way. */
export const jsonProtocol: StdioProtocol = {
  write(stdin, call, req) {
    const msg = {
      call_id: call.id,
      deadline: req.deadline,
      body: call.body.toString('utf8'),
      content_type: req.contentType,
      protocol: { type: 'http', method: req.method, request_url: req.url, headers: req.headers },
    };
    stdin.write(`${JSON.stringify(msg)}\n`);
  },
  async read(out, signal) {
    const msg = await out.readJson(signal, 'json');
    const body = msg['body'];
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw errInvalidResponse('json', 'body must be a string');
    }
    const protocol = msg['protocol'];
    const headers = asHeaders(
      typeof protocol === 'object' && protocol !== null
        ? (protocol as { headers?: unknown }).headers
        : undefined,
    );
    if (typeof msg['content_type'] === 'string' && msg['content_type'] !== '')
      headers['content-type'] = msg['content_type'];
    return { status: statusOf(protocol), headers, body: Buffer.from(body ?? '', 'utf8') };
  },
};

/**
 * `cloudevent` (seed 000's FormatCloudEvent, CloudEvents 0.1 JSON): a request that is already a
 * CloudEvent (Content-Type application/cloudevents+json) is passed as is, anything else is wrapped
 * as the event's `data`. The request's HTTP details travel in `extensions.protocol`, the deadline
 * in `extensions.deadline`. The function answers an event: a CloudEvent request gets it whole
 * (as `application/json`),
 * any other gets its `data` (a string as is, other JSON encoded) with its `contentType`; the
 * status and headers come from `extensions.protocol.{status_code,headers}`.
 */
export const cloudEventProtocol: StdioProtocol = {
  write(stdin, call, req) {
    const isEvent = req.contentType.split(';')[0]?.trim().toLowerCase() === CLOUDEVENT_TYPE;
    let event: Record<string, unknown> | undefined;
    if (isEvent) {
      try {
        const v: unknown = JSON.parse(call.body.toString('utf8'));
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) event = v as Record<string, unknown>;
      } catch {
        // not an event after all: wrapped below
      }
    }
    if (!event) {
      const text = call.body.toString('utf8');
      let data: unknown = text;
      if (/json/i.test(req.contentType)) {
        try {
          data = JSON.parse(text);
        } catch {
          // keep the text
        }
      }
      event = {
        cloudEventsVersion: '0.1',
        eventID: call.id,
        source: req.url,
        eventType: 'http',
        eventTypeVersion: '',
        eventTime: new Date().toISOString(),
        schemaURL: '',
        contentType: req.contentType,
        ...(call.body.length > 0 ? { data } : {}),
      };
    }
    const ext =
      typeof event['extensions'] === 'object' && event['extensions'] !== null ? event['extensions'] : {};
    event['extensions'] = {
      ...ext,
      deadline: req.deadline,
      protocol: { type: 'http', method: req.method, request_url: req.url, headers: req.headers },
    };
    stdin.write(`${JSON.stringify(event)}\n`);
  },
  async read(out, signal, _call, req) {
    // Fn reads the event with its JSON framing, and names it so in its error.
    const event = await out.readJson(signal, 'json');
    const ext = event['extensions'];
    const protocol =
      typeof ext === 'object' && ext !== null ? (ext as { protocol?: unknown }).protocol : undefined;
    const headers = asHeaders(
      typeof protocol === 'object' && protocol !== null
        ? (protocol as { headers?: unknown }).headers
        : undefined,
    );
    const status = statusOf(protocol);
    if (req.contentType.split(';')[0]?.trim().toLowerCase() === CLOUDEVENT_TYPE) {
      headers['content-type'] = 'application/json';
      return { status, headers, body: Buffer.from(JSON.stringify(event), 'utf8') };
    }
    const data = event['data'];
    if (typeof event['contentType'] === 'string' && event['contentType'] !== '')
      headers['content-type'] = event['contentType'];
    const body =
      data === undefined || data === null ? '' : typeof data === 'string' ? data : JSON.stringify(data);
    return { status, headers, body: Buffer.from(body, 'utf8') };
  },
};

export function protocolFor(format: string): StdioProtocol | undefined {
  if (format === 'http') return httpProtocol;
  if (format === 'json') return jsonProtocol;
  if (format === 'cloudevent') return cloudEventProtocol;
  return undefined;
}
