import { useState } from 'react';
import { query } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import type { Fn, Page, Trigger } from '../types.js';
import { ConfirmDelete, Copy, ErrorBox, Field } from './widgets.js';

const ENDPOINT = 'fnproject.io/trigger/httpEndpoint';

/** An app's (or one fn's) HTTP triggers: list with copyable URLs, create, delete. */
export function TriggersPanel(props: { appId: string; fns: Fn[]; fnId?: string }) {
  const triggers = useLoad(
    (api) =>
      api.get<Page<Trigger>>(
        `/v2/triggers${query({ app_id: props.appId, fn_id: props.fnId, per_page: 100 })}`,
      ),
    [props.appId, props.fnId],
  );
  const [name, setName] = useState('');
  const [source, setSource] = useState('/');
  const [fnId, setFnId] = useState(props.fnId ?? '');
  const action = useAction();
  const fnName = (id: string) => props.fns.find((f) => f.id === id)?.name ?? id;

  return (
    <div>
      <h2>HTTP triggers</h2>
      <ErrorBox error={triggers.error} />
      <ul className="plain">
        {(triggers.data?.items ?? []).map((t) => {
          const url = t.annotations?.[ENDPOINT];
          return (
            <li key={t.id}>
              <strong>{t.name}</strong> → {fnName(t.fn_id)} <code>{t.source}</code>{' '}
              {typeof url === 'string' && <Copy text={url} label={`URL of trigger ${t.name}`} />}{' '}
              <ConfirmDelete
                what={`trigger ${t.name}`}
                onConfirm={() =>
                  void action
                    .run((api) => api.json('DELETE', `/v2/triggers/${encodeURIComponent(t.id)}`))
                    .then(triggers.reload)
                }
              />
            </li>
          );
        })}
      </ul>
      {triggers.data && triggers.data.items.length === 0 && <p>No triggers.</p>}
      <form
        className="inline"
        aria-label="Create a trigger"
        onSubmit={async (e) => {
          e.preventDefault();
          const ok = await action.run((api) =>
            api.json('POST', '/v2/triggers', {
              app_id: props.appId,
              fn_id: fnId,
              name: name.trim(),
              type: 'http',
              source: source.trim(),
            }),
          );
          if (ok) {
            setName('');
            triggers.reload();
          }
        }}
      >
        <Field label="Trigger name" name="trigger-name" value={name} onChange={setName} required />
        <Field label="Source path" name="trigger-source" value={source} onChange={setSource} required />
        {!props.fnId && (
          <label className="field">
            <span>Function</span>
            <select value={fnId} onChange={(e) => setFnId(e.target.value)} required>
              <option value="">Choose…</option>
              {props.fns.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" disabled={action.busy}>
          Create trigger
        </button>
      </form>
      <ErrorBox error={action.error} />
    </div>
  );
}
