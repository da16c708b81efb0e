import { useEffect, useState } from 'react';
import { statsSeries } from '../chart.js';
import { LineChart } from '../components/line-chart.js';
import { ErrorBox, Link } from '../components/widgets.js';
import { callDurationMs, formatMs } from '../format.js';
import { useInterval, useLoad } from '../hooks.js';
import type { Call } from '../types.js';

const ENDED = new Set(['success', 'error', 'cancelled']);

/** A call: its record, error and reason, log, and charts of its statistics. */
export function CallPage(props: { fnId: string; callId: string }) {
  const fnId = encodeURIComponent(props.fnId);
  const callId = encodeURIComponent(props.callId);
  const call = useLoad((api) => api.get<Call>(`/v2/fns/${fnId}/calls/${callId}`), [fnId, callId]);
  const log = useLoad(
    (api) => api.get<{ log: string }>(`/v2/fns/${fnId}/calls/${callId}/log`),
    [fnId, callId],
  );
  const [raw, setRaw] = useState(false);
  // The record is written after the answer: until the call ends, look again.
  const pending =
    Boolean(call.error?.startsWith('Not found')) || (call.data !== undefined && !ENDED.has(call.data.status));
  useInterval(
    () => {
      call.reload();
      log.reload();
    },
    1500,
    pending,
  );
  // The log is written with the record: read it again once the call is seen ended.
  const ended = call.data !== undefined && ENDED.has(call.data.status);
  const reloadLog = log.reload;
  useEffect(() => {
    if (ended) reloadLog();
  }, [ended, reloadLog]);
  const c = call.data;
  const groups = statsSeries(c?.stats);
  return (
    <section>
      <p className="crumbs">
        <Link to={`/fns/${fnId}`}>Function</Link> / Call {props.callId}
      </p>
      <h1>Call {props.callId}</h1>
      <ErrorBox error={call.error} />
      {c && (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`status ${c.status}`} data-testid="call-status">
                {c.status}
              </span>
              {c.dead_letter ? ' (dead letter)' : ''}
            </dd>
            {c.error && (
              <>
                <dt>Error</dt>
                <dd className="bad">{c.error}</dd>
              </>
            )}
            {c.reason && (
              <>
                <dt>Reason</dt>
                <dd>{c.reason}</dd>
              </>
            )}
            <dt>App</dt>
            <dd>{c.app_name}</dd>
            <dt>Type</dt>
            <dd>{c.type ?? '–'}</dd>
            <dt>Created</dt>
            <dd>{new Date(c.created_at).toLocaleString()}</dd>
            <dt>Duration</dt>
            <dd>{formatMs(callDurationMs(c))}</dd>
            {c.attempt !== undefined && (
              <>
                <dt>Attempt</dt>
                <dd>{c.attempt}</dd>
              </>
            )}
            {c.retry_of && (
              <>
                <dt>Retry of</dt>
                <dd>
                  <Link to={`/fns/${fnId}/calls/${encodeURIComponent(c.retry_of)}`}>{c.retry_of}</Link>
                </dd>
              </>
            )}
          </dl>
          <h2>Log</h2>
          <ErrorBox error={log.error} />
          <pre className="log" data-testid="call-log">
            {log.data ? log.data.log || '(no output)' : '…'}
          </pre>
          <h2>Statistics</h2>
          {groups.length === 0 ? (
            <p>No statistics points for this call (it may have been too short or have had no container).</p>
          ) : (
            <div className="charts">
              {groups.map((g) => (
                <LineChart
                  key={g.title}
                  title={g.title}
                  series={g.series}
                  xLabel={(x) => `${x.toFixed(1)} s`}
                />
              ))}
            </div>
          )}
          <button type="button" onClick={() => setRaw((r) => !r)} aria-expanded={raw}>
            {raw ? 'Hide' : 'Show'} the whole record
          </button>
          {raw && <pre>{JSON.stringify(c, null, 2)}</pre>}
        </>
      )}
    </section>
  );
}
