import { useState } from 'react';
import { ApiProblem, type RawAnswer } from '../api.js';
import { ErrorBox, Link, TextArea } from '../components/widgets.js';
import { formatMs } from '../format.js';
import { problemText, useLoad, useSession } from '../hooks.js';
import type { Fn } from '../types.js';

const METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'];
const TYPES = [
  ['sync', 'Sync: wait for the answer'],
  ['async', 'Async: queue it, answer the call id'],
  ['detached', 'Detached: run it, drop the answer'],
] as const;

/** `Name: value` lines to headers. */
function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`Header line ${i + 1} is not "Name: value"`);
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** The invoke console: a request to `/invoke/{fn_id}` and its whole answer. */
export function InvokePage(props: { fnId: string }) {
  const id = encodeURIComponent(props.fnId);
  const fn = useLoad((api) => api.get<Fn>(`/v2/fns/${id}`), [id]);
  const { api, askToken } = useSession();
  const [method, setMethod] = useState('POST');
  const [type, setType] = useState<string>('sync');
  const [headers, setHeaders] = useState('Content-Type: text/plain');
  const [body, setBody] = useState('');
  const [answer, setAnswer] = useState<RawAnswer>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const callId = answer?.headers.find(([k]) => k === 'fn-call-id')?.[1];

  return (
    <section>
      <p className="crumbs">
        <Link to={`/fns/${id}`}>{fn.data?.name ?? 'Function'}</Link> / Invoke
      </p>
      <h1>Invoke {fn.data?.name ?? props.fnId}</h1>
      <ErrorBox error={fn.error} />
      <form
        aria-label="Invoke"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setAnswer(undefined);
          try {
            const h = parseHeaders(headers);
            if (type !== 'sync') h['Fn-Invoke-Type'] = type;
            setAnswer(await api.raw(method, `/invoke/${id}`, h, body));
          } catch (err) {
            if (err instanceof ApiProblem && err.needsToken) askToken();
            setError(problemText(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="row">
          <label className="field">
            <span>Method</span>
            <select name="method" value={method} onChange={(e) => setMethod(e.target.value)}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Invoke type</span>
            <select name="invoke-type" value={type} onChange={(e) => setType(e.target.value)}>
              {TYPES.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <TextArea
          label="Headers (Name: value per line)"
          name="headers"
          value={headers}
          onChange={setHeaders}
          rows={3}
        />
        <TextArea label="Body" name="body" value={body} onChange={setBody} rows={6} />
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </form>
      <ErrorBox error={error} />
      {answer && (
        <div className="answer" aria-live="polite">
          <h2>Answer</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="invoke-status" className={answer.status < 400 ? 'ok' : 'bad'}>
              {answer.status}
            </dd>
            <dt>Duration</dt>
            <dd>{formatMs(answer.ms)}</dd>
            <dt>Call</dt>
            <dd>
              {callId ? <Link to={`/fns/${id}/calls/${encodeURIComponent(callId)}`}>{callId}</Link> : '–'}
            </dd>
          </dl>
          <h3>Headers</h3>
          <pre className="headers">{answer.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
          <h3>Body</h3>
          <pre data-testid="invoke-body">{answer.body || '(empty)'}</pre>
        </div>
      )}
    </section>
  );
}
