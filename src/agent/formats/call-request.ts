import type { AgentCall } from '../function-spec.js';

/** The client's request behind a call, recovered from the `/r` (trigger-style) headers. */
export interface CallRequest {
  method: string;
  url: string;
  contentType: string;
  /** The client's headers by their canonical names, Content-Type included (no Fn-Http-*). */
  headers: Record<string, string[]>;
  /** FN_DEADLINE: RFC 3339. */
  deadline: string;
  /** The client sent its body chunked (no Content-Length): the `http` format passes it on so. */
  chunked: boolean;
}

/** Set by the `/r` route of an `http`-format route on a chunked request; never sent to a container. */
export const ChunkedBodyHeader = 'Fn-Http-Body-Chunked';

const PREFIX = 'fn-http-h-';

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

export function callRequest(call: AgentCall): CallRequest {
  const headers: Record<string, string[]> = {};
  let method = 'POST';
  let url = '';
  let contentType = '';
  let chunked = false;
  for (const [k, v] of Object.entries(call.headers)) {
    const lower = k.toLowerCase();
    const first = list(v)[0] ?? '';
    if (lower === 'fn-http-body-chunked') chunked = first === 'true';
    else if (lower === 'fn-http-method') method = first;
    else if (lower === 'fn-http-request-url') url = first;
    else if (lower === 'content-type') {
      contentType = first;
      headers['Content-Type'] = list(v);
    } else if (lower.startsWith(PREFIX)) headers[k.slice(PREFIX.length)] = list(v);
  }
  return { method, url, contentType, headers, deadline: new Date(call.deadline).toISOString(), chunked };
}

/**
 * FN_HEADER_<Name>=v1, v2: the cold (default format) per-call environment of Fn v1, whose agent
 * names the variables after the header's canonical name as it is (`FN_HEADER_Content-Type`).
 */
export function coldCallEnv(call: AgentCall, req: CallRequest): Record<string, string> {
  const env: Record<string, string> = {
    FN_DEADLINE: req.deadline,
    FN_METHOD: req.method,
    FN_REQUEST_URL: req.url,
    FN_CALL_ID: call.id,
  };
  for (const [k, v] of Object.entries(req.headers)) env[`FN_HEADER_${k}`] = v.join(', ');
  return env;
}
