import { useContext } from 'react';
import { CallsPanel } from '../components/calls-panel.js';
import { EditForm } from '../components/edit-form.js';
import { TriggersPanel } from '../components/triggers-panel.js';
import { ConfirmDelete, Copy, ErrorBox, Link } from '../components/widgets.js';
import { NavContext, useAction, useLoad } from '../hooks.js';
import type { App, Fn } from '../types.js';

/** A fn: its invoke URL, settings, triggers and calls. */
export function FnPage(props: { fnId: string }) {
  const id = encodeURIComponent(props.fnId);
  const fn = useLoad(
    async (api) => {
      const f = await api.get<Fn>(`/v2/fns/${id}`);
      const app = await api.get<App>(`/v2/apps/${encodeURIComponent(f.app_id)}`);
      return { fn: f, app };
    },
    [id],
  );
  const action = useAction();
  const go = useContext(NavContext);
  if (!fn.data) return <section>{fn.error ? <ErrorBox error={fn.error} /> : <p>Loading…</p>}</section>;
  const { fn: f, app } = fn.data;
  const invokeUrl = f.annotations?.['fnproject.io/fn/invokeEndpoint'];
  return (
    <section>
      <p className="crumbs">
        <Link to="/apps">Apps</Link> / <Link to={`/apps/${encodeURIComponent(app.id)}`}>{app.name}</Link> /{' '}
        {f.name}
      </p>
      <h1>Function {f.name}</h1>
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{f.id}</code>
        </dd>
        <dt>Image</dt>
        <dd>
          <code>{f.image}</code>
        </dd>
        <dt>Invoke URL</dt>
        <dd>{typeof invokeUrl === 'string' ? <Copy text={invokeUrl} label="invoke URL" /> : '–'}</dd>
      </dl>
      <p className="actions">
        <Link to={`/fns/${id}/invoke`} className="button">
          Open the invoke console
        </Link>{' '}
        <Link to={`/async?app=${encodeURIComponent(app.id)}&fn=${id}`} className="button">
          Async calls and dead letters
        </Link>{' '}
        <ConfirmDelete
          what={`function ${f.name}`}
          onConfirm={() =>
            void action
              .run((api) => api.json('DELETE', `/v2/fns/${id}`))
              .then((ok) => ok && go(`/apps/${encodeURIComponent(app.id)}`))
          }
        />
      </p>
      <ErrorBox error={action.error} />
      <CallsPanel fnId={f.id} />
      <EditForm key={f.id} kind="fn" path={`/v2/fns/${id}`} entity={f} onSaved={fn.reload} />
      <TriggersPanel appId={app.id} fnId={f.id} fns={[f]} />
    </section>
  );
}
