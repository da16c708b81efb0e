import { useState } from 'react';
import { query } from '../api.js';
import { callDurationMs, formatAgo, formatMs } from '../format.js';
import { useInterval, useLoad } from '../hooks.js';
import type { Call, Page } from '../types.js';
import { ErrorBox, Link, Pager, useCursorPages } from './widgets.js';

const STATUSES = ['', 'success', 'error', 'running', 'queued', 'delayed', 'cancelled'];
const WINDOWS: [string, number][] = [
  ['any time', 0],
  ['last 15 minutes', 900],
  ['last hour', 3600],
  ['last day', 86_400],
];

/** A fn's calls, newest first: status and time filters, paging, live refresh. */
export function CallsPanel(props: { fnId: string }) {
  const [status, setStatus] = useState('');
  const [windowSecs, setWindowSecs] = useState(0);
  const [live, setLive] = useState(true);
  const pages = useCursorPages();
  const id = encodeURIComponent(props.fnId);
  const calls = useLoad(
    (api) =>
      api.get<Page<Call>>(
        `/v2/fns/${id}/calls${query({
          cursor: pages.cursor,
          per_page: 100,
          from_time: windowSecs ? Math.floor(Date.now() / 1000) - windowSecs : undefined,
        })}`,
      ),
    [id, pages.cursor, windowSecs],
  );
  useInterval(calls.reload, 3000, live && !pages.hasPrev);
  // The API filters by time; the status filter applies to the page fetched.
  const shown = (calls.data?.items ?? []).filter((c) => !status || c.status === status);
  const now = Date.now();

  return (
    <div>
      <h2>Calls</h2>
      <div className="row filters">
        <label className="field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any status'}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Time</span>
          <select
            value={windowSecs}
            onChange={(e) => {
              setWindowSecs(Number(e.target.value));
              pages.reset();
            }}
          >
            {WINDOWS.map(([label, s]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live refresh
        </label>
      </div>
      <ErrorBox error={calls.error} />
      <table className="calls">
        <caption className="sr-only">Calls, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Call</th>
            <th scope="col">Status</th>
            <th scope="col">Type</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.id} data-call-id={c.id}>
              <td>
                <Link to={`/fns/${id}/calls/${encodeURIComponent(c.id)}`}>{c.id}</Link>
              </td>
              <td>
                <span className={`status ${c.status}`}>{c.status}</span>
                {c.dead_letter ? ' (dead letter)' : ''}
              </td>
              <td>{c.type ?? ''}</td>
              <td title={c.created_at}>{formatAgo(Date.parse(c.created_at), now)}</td>
              <td>{formatMs(callDurationMs(c))}</td>
              <td>{c.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {calls.data && shown.length === 0 && <p>No calls{status || windowSecs ? ' match' : ' yet'}.</p>}
      <Pager
        hasPrev={pages.hasPrev}
        hasNext={Boolean(calls.data?.next_cursor)}
        onPrev={pages.prev}
        onNext={() => pages.next(calls.data?.next_cursor)}
      />
    </div>
  );
}
