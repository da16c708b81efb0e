import { useContext, useState } from 'react';
import { query } from '../api.js';
import { EditForm } from '../components/edit-form.js';
import { RoutesPanel } from '../components/routes-panel.js';
import { TriggersPanel } from '../components/triggers-panel.js';
import { ConfirmDelete, ErrorBox, Field, Link, Pager, useCursorPages } from '../components/widgets.js';
import { NavContext, useAction, useLoad } from '../hooks.js';
import type { App, Fn, Page } from '../types.js';

/** An app: its settings, its fns (search, paging, create) and its triggers. */
export function AppPage(props: { appId: string }) {
  const id = encodeURIComponent(props.appId);
  const app = useLoad((api) => api.get<App>(`/v2/apps/${id}`), [id]);
  const pages = useCursorPages();
  const fns = useLoad(
    (api) =>
      api.get<Page<Fn>>(`/v2/fns${query({ app_id: props.appId, cursor: pages.cursor, per_page: 50 })}`),
    [id, pages.cursor],
  );
  const [search, setSearch] = useState('');
  const [name, setName] = useState('');
  const [image, setImage] = useState('');
  const [memory, setMemory] = useState('128');
  const action = useAction();
  const go = useContext(NavContext);
  const shown = (fns.data?.items ?? []).filter((f) => f.name.toLowerCase().includes(search.toLowerCase()));

  if (!app.data) return <section>{app.error ? <ErrorBox error={app.error} /> : <p>Loading…</p>}</section>;
  const a = app.data;
  return (
    <section>
      <p className="crumbs">
        <Link to="/apps">Apps</Link> / {a.name}
      </p>
      <h1>App {a.name}</h1>
      <p>
        Id <code>{a.id}</code>
      </p>
      <ConfirmDelete
        what={`app ${a.name}`}
        onConfirm={() =>
          void action.run((api) => api.json('DELETE', `/v2/apps/${id}`)).then((ok) => ok && go('/apps'))
        }
      />
      <EditForm key={a.id} kind="app" path={`/v2/apps/${id}`} entity={a} onSaved={app.reload} />

      <h2>Functions</h2>
      <form
        className="inline"
        aria-label="Create a function"
        onSubmit={async (e) => {
          e.preventDefault();
          let fnId = '';
          const ok = await action.run(async (api) => {
            fnId = (
              await api.json<Fn>('POST', '/v2/fns', {
                app_id: a.id,
                name: name.trim(),
                image: image.trim(),
                memory: Number(memory) || 128,
              })
            ).id;
          });
          if (ok) go(`/fns/${encodeURIComponent(fnId)}`);
        }}
      >
        <Field label="Function name" name="fn-name" value={name} onChange={setName} required />
        <Field
          label="Image"
          name="fn-image"
          value={image}
          onChange={setImage}
          required
          placeholder="fnproject/hello"
        />
        <Field label="Memory (MB)" name="fn-memory" value={memory} onChange={setMemory} type="number" />
        <button type="submit" disabled={action.busy}>
          Create function
        </button>
      </form>
      <ErrorBox error={action.error} />
      <Field label="Search functions on this page" value={search} onChange={setSearch} type="search" />
      <ErrorBox error={fns.error} />
      <table>
        <caption className="sr-only">Functions</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Image</th>
            <th scope="col">Memory</th>
            <th scope="col">Timeout</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((f) => (
            <tr key={f.id}>
              <td>
                <Link to={`/fns/${encodeURIComponent(f.id)}`}>{f.name}</Link>
              </td>
              <td>
                <code>{f.image}</code>
              </td>
              <td>{f.memory} MB</td>
              <td>{f.timeout} s</td>
            </tr>
          ))}
        </tbody>
      </table>
      {fns.data && shown.length === 0 && <p>No functions{search ? ' match' : ' yet'}.</p>}
      <Pager
        hasPrev={pages.hasPrev}
        hasNext={Boolean(fns.data?.next_cursor)}
        onPrev={pages.prev}
        onNext={() => pages.next(fns.data?.next_cursor)}
      />
      <TriggersPanel appId={a.id} fns={fns.data?.items ?? []} />
      <RoutesPanel appName={a.name} />
    </section>
  );
}
