import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  createFn,
  dockerAvailable,
  eventually,
  http,
  startTestFnode,
  type TestFnode,
} from '../helpers/fnode.js';

const docker = dockerAvailable();

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** A tiny OTLP/http receiver (JSON encoding) on loopback, collecting exported spans. */
async function otlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; paths: string[]; server: Server }> {
  const spans: OtlpSpan[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const doc = JSON.parse(body) as {
        resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
      };
      for (const rs of doc.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, paths, server };
}

const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
};

describe('OpenTelemetry tracing (OTLP/http)', { skip: !docker && 'Docker is not reachable' }, () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let fnode: TestFnode;
  before(async () => {
    receiver = await otlpReceiver();
    // The SDK reads the standard variables from the process environment.
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = 'http/json';
    process.env['OTEL_BSP_SCHEDULE_DELAY'] = '100';
    process.env['OTEL_SERVICE_NAME'] = 'fnode-test';
    fnode = await startTestFnode({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  });
  after(async () => {
    await fnode?.stop();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('traces the request, placement, container start, the call and datastore writes; passes traceparent in', async () => {
    const { fnId } = await createFn(fnode.url, 'fnode-test/headers');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, 'x', {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    assert.equal(res.status, 200);
    const callId = String(res.headers['fn-call-id']);
    const seen = res.json<{ headers: Record<string, string[] | string> }>().headers;
    const given = [seen['traceparent'] ?? seen['Traceparent']].flat()[0] ?? '';
    const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(given);
    assert.ok(m, `the function saw traceparent ${JSON.stringify(given)}`);
    assert.equal(m[1], traceId, 'the caller trace continues into the function');

    const spans = await eventually(() => {
      const s = receiver.spans.filter((x) => x.traceId === traceId);
      return s.some((x) => x.name === 'datastore insertCalls') ? s : undefined;
    });
    const byName = (n: string) => spans.find((s) => s.name === n);
    const request = byName('POST /invoke/:fn_id');
    const call = byName('fnode call');
    const placement = byName('fnode placement');
    const start = byName('fnode container start');
    const write = byName('datastore insertCalls');
    assert.ok(request && call && placement && start && write, spans.map((s) => s.name).join(', '));
    assert.equal(request.parentSpanId, '00f067aa0ba902b7');
    assert.equal(request.kind, 2, 'server span');
    assert.equal(attr(request, 'http.response.status_code'), 200);
    assert.equal(call.parentSpanId, request.spanId);
    assert.equal(placement.parentSpanId, request.spanId);
    assert.equal(start.parentSpanId, request.spanId);
    assert.equal(attr(call, 'fn.call_id'), callId);
    assert.equal(m[2], call.spanId, 'the function is a child of the call span');
    assert.ok(
      receiver.paths.every((p) => p.startsWith('POST /v1/traces application/json')),
      receiver.paths.join(),
    );
  });
});
