import { useState } from 'react';
import { query } from '../api.js';
import type { Series } from '../chart.js';
import { LineChart } from '../components/line-chart.js';
import { ErrorBox, Link } from '../components/widgets.js';
import { formatMs, formatPercent, formatRate } from '../format.js';
import { useInterval, useLoad } from '../hooks.js';
import type { Figures, Stats } from '../types.js';

function Cards(props: { f: Figures }) {
  const f = props.f;
  const cards: [string, string][] = [
    ['Calls', String(f.calls)],
    ['Calls per second', formatRate(f.calls_per_sec)],
    ['Error rate', formatPercent(f.error_rate)],
    ['p50 duration', f.p50_ms === null ? '–' : formatMs(f.p50_ms)],
    ['p99 duration', f.p99_ms === null ? '–' : formatMs(f.p99_ms)],
    ['Hot containers', String(f.hot_containers)],
  ];
  return (
    <dl className="cards">
      {cards.map(([k, v]) => (
        <div key={k} className="card">
          <dt>{k}</dt>
          <dd data-testid={`card-${k.toLowerCase().replace(/ /g, '-')}`}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function minuteSeries(
  s: Stats,
  pick: (f: Figures) => number | null,
  name: string,
  unit: Series['unit'],
): Series {
  const t0 = Date.parse(s.since);
  return {
    name,
    unit,
    points: s.minutes
      .map((m) => ({ x: (Date.parse(m.at) - t0) / 60_000, y: pick(m) }))
      .filter((p): p is { x: number; y: number } => p.y !== null),
  };
}

type Row = Stats['fns'][number];

function FnTable(props: { title: string; rows: Row[] }) {
  return (
    <div>
      <h2>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p>None in the last hour.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Function</th>
              <th scope="col">App</th>
              <th scope="col">Calls</th>
              <th scope="col">Errors</th>
              <th scope="col">p50</th>
              <th scope="col">p99</th>
              <th scope="col">Hot</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={`${r.app_id}/${r.fn_id}/${r.fn_name}`}>
                <td>
                  {r.fn_id ? <Link to={`/fns/${encodeURIComponent(r.fn_id)}`}>{r.fn_name}</Link> : r.fn_name}
                </td>
                <td>{r.app_name}</td>
                <td>{r.calls}</td>
                <td>
                  {r.errors} ({formatPercent(r.error_rate)})
                </td>
                <td>{r.p50_ms === null ? '–' : formatMs(r.p50_ms)}</td>
                <td>{r.p99_ms === null ? '–' : formatMs(r.p99_ms)}</td>
                <td>{r.hot_containers}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The last hour of calls on this node: rate, errors, durations, hot containers. */
export function OverviewPage() {
  const [appId, setAppId] = useState('');
  const stats = useLoad((api) => api.get<Stats>(`/v2/stats${query({ app_id: appId })}`), [appId]);
  useInterval(stats.reload, 5000, true);
  const s = stats.data;
  const minutesAgo = (x: number) => (x >= 59 ? 'now' : `${Math.round(59 - x)} min ago`);
  return (
    <section>
      <h1>Overview</h1>
      <p className="hint">The last hour of calls on this node (kept in memory: empty after a restart).</p>
      <ErrorBox error={stats.error} />
      {s && (
        <>
          <label className="field">
            <span>App</span>
            <select value={appId} onChange={(e) => setAppId(e.target.value)}>
              <option value="">All apps</option>
              {s.apps.map((a) => (
                <option key={a.app_id} value={a.app_id}>
                  {a.app_name}
                </option>
              ))}
              {appId && !s.apps.some((a) => a.app_id === appId) && <option value={appId}>{appId}</option>}
            </select>
          </label>
          <Cards f={s.totals} />
          <div className="charts">
            <LineChart
              title="Calls per minute"
              series={[
                minuteSeries(s, (m) => m.calls, 'calls', 'count'),
                minuteSeries(s, (m) => m.errors, 'errors', 'count'),
              ]}
              xLabel={minutesAgo}
            />
            <LineChart
              title="Duration (ms)"
              series={[
                minuteSeries(s, (m) => m.p50_ms, 'p50', 'count'),
                minuteSeries(s, (m) => m.p99_ms, 'p99', 'count'),
              ]}
              xLabel={minutesAgo}
            />
          </div>
          <FnTable title="Busiest functions" rows={s.fns.slice(0, 10)} />
          <FnTable
            title="Most failing functions"
            rows={s.fns
              .filter((f) => f.errors > 0)
              .sort((a, b) => b.errors - a.errors)
              .slice(0, 10)}
          />
          <h2>Apps</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Calls</th>
                <th scope="col">Calls/s</th>
                <th scope="col">Errors</th>
                <th scope="col">p50</th>
                <th scope="col">p99</th>
                <th scope="col">Hot</th>
              </tr>
            </thead>
            <tbody>
              {s.apps.map((a) => (
                <tr key={a.app_id}>
                  <td>
                    <Link to={`/apps/${encodeURIComponent(a.app_id)}`}>{a.app_name}</Link>
                  </td>
                  <td>{a.calls}</td>
                  <td>{formatRate(a.calls_per_sec)}</td>
                  <td>{formatPercent(a.error_rate)}</td>
                  <td>{a.p50_ms === null ? '–' : formatMs(a.p50_ms)}</td>
                  <td>{a.p99_ms === null ? '–' : formatMs(a.p99_ms)}</td>
                  <td>{a.hot_containers}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
