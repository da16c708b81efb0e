import { useState } from 'react';
import { query } from '../api.js';
import { ErrorBox, Link } from '../components/widgets.js';
import { formatAgo } from '../format.js';
import { useAction, useInterval, useLoad } from '../hooks.js';
import type { App, Call, Fn, Page, PendingCounts } from '../types.js';

const param = (k: string) => new URLSearchParams(location.search).get(k) ?? '';

/** Async calls: pending counts per fn, dead letters with redrive, cancel of waiting calls. */
export function AsyncPage() {
  const [appId, setAppId] = useState(() => param('app'));
  const [fnId, setFnId] = useState(() => param('fn'));
  const apps = useLoad((api) => api.get<Page<App>>('/v2/apps?per_page=100'), []);
  const fns = useLoad(
    async (api) => {
      if (!appId) return [];
      const list = await api.get<Page<Fn>>(`/v2/fns${query({ app_id: appId, per_page: 100 })}`);
      return Promise.all(
        list.items.map(async (f) => ({
          fn: f,
          counts: await api.get<PendingCounts>(`/v2/fns/${encodeURIComponent(f.id)}/pending-calls`),
        })),
      );
    },
    [appId],
  );
  const id = encodeURIComponent(fnId);
  const dead = useLoad(
    (api) =>
      fnId ? api.get<Page<Call>>(`/v2/fns/${id}/dead-letters?per_page=100`) : Promise.resolve(undefined),
    [fnId],
  );
  const waiting = useLoad(
    async (api) =>
      fnId
        ? (await api.get<Page<Call>>(`/v2/fns/${id}/calls?per_page=100`)).items.filter(
            (c) => c.status === 'queued' || c.status === 'delayed',
          )
        : [],
    [fnId],
  );
  const action = useAction();
  const [done, setDone] = useState<string>();
  const reloadAll = () => {
    fns.reload();
    dead.reload();
    waiting.reload();
  };
  useInterval(reloadAll, 5000, Boolean(appId));
  const now = Date.now();

  return (
    <section>
      <h1>Async calls</h1>
      <ErrorBox error={apps.error} />
      <label className="field">
        <span>App</span>
        <select
          name="async-app"
          value={appId}
          onChange={(e) => {
            setAppId(e.target.value);
            setFnId('');
          }}
        >
          <option value="">Choose an app…</option>
          {(apps.data?.items ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={fns.error} />
      {appId && fns.data && (
        <table>
          <caption className="sr-only">Pending calls per function</caption>
          <thead>
            <tr>
              <th scope="col">Function</th>
              <th scope="col">Queued</th>
              <th scope="col">Delayed</th>
              <th scope="col">Running</th>
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {fns.data.map(({ fn, counts }) => (
              <tr key={fn.id} className={fn.id === fnId ? 'selected' : undefined}>
                <td>
                  <Link to={`/fns/${encodeURIComponent(fn.id)}`}>{fn.name}</Link>
                </td>
                <td data-testid={`queued-${fn.name}`}>{counts.queued}</td>
                <td>{counts.delayed}</td>
                <td>{counts.running}</td>
                <td>
                  <button type="button" onClick={() => setFnId(fn.id)} aria-pressed={fn.id === fnId}>
                    Dead letters of {fn.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={action.error} />
      {done && <p role="status">{done}</p>}
      {fnId && (
        <>
          <h2>Dead letters</h2>
          <ErrorBox error={dead.error} />
          {dead.data && dead.data.items.length === 0 && <p>No dead letters.</p>}
          <ul className="plain dead-letters">
            {(dead.data?.items ?? []).map((c) => (
              <li key={c.id}>
                <Link to={`/fns/${id}/calls/${encodeURIComponent(c.id)}`}>{c.id}</Link> {c.error ?? c.status}{' '}
                <span title={c.created_at}>{formatAgo(Date.parse(c.created_at), now)}</span>{' '}
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={async () => {
                    let newId = '';
                    const ok = await action.run(async (api) => {
                      newId = (
                        await api.json<{ call_id: string }>(
                          'POST',
                          `/v2/fns/${id}/calls/${encodeURIComponent(c.id)}/redrive`,
                        )
                      ).call_id;
                    });
                    if (ok) setDone(`Redriven as call ${newId}.`);
                    reloadAll();
                  }}
                >
                  Redrive
                </button>
              </li>
            ))}
          </ul>
          <h2>Waiting calls</h2>
          {waiting.data && waiting.data.length === 0 && <p>No queued or delayed calls among the newest.</p>}
          <ul className="plain">
            {(waiting.data ?? []).map((c) => (
              <li key={c.id}>
                <Link to={`/fns/${id}/calls/${encodeURIComponent(c.id)}`}>{c.id}</Link> {c.status}{' '}
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={async () => {
                    const ok = await action.run((api) =>
                      api.json('POST', `/v2/fns/${id}/calls/${encodeURIComponent(c.id)}/cancel`),
                    );
                    if (ok) setDone(`Call ${c.id} cancelled.`);
                    reloadAll();
                  }}
                >
                  Cancel
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
