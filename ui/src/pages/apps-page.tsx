import { useContext, useState } from 'react';
import { query } from '../api.js';
import { ConfirmDelete, ErrorBox, Field, Link, Pager, useCursorPages } from '../components/widgets.js';
import { NavContext, useAction, useLoad } from '../hooks.js';
import type { App, Page } from '../types.js';

/** Apps: list with search and paging, create, delete. */
export function AppsPage() {
  const pages = useCursorPages();
  const [search, setSearch] = useState('');
  const apps = useLoad(
    (api) => api.get<Page<App>>(`/v2/apps${query({ cursor: pages.cursor, per_page: 50 })}`),
    [pages.cursor],
  );
  const [name, setName] = useState('');
  const action = useAction();
  const go = useContext(NavContext);
  const shown = (apps.data?.items ?? []).filter((a) => a.name.toLowerCase().includes(search.toLowerCase()));

  return (
    <section>
      <h1>Apps</h1>
      <form
        className="inline"
        aria-label="Create an app"
        onSubmit={async (e) => {
          e.preventDefault();
          let id = '';
          const ok = await action.run(async (api) => {
            id = (await api.json<App>('POST', '/v2/apps', { name: name.trim() })).id;
          });
          if (ok) go(`/apps/${encodeURIComponent(id)}`);
        }}
      >
        <Field label="New app name" name="app-name" value={name} onChange={setName} required />
        <button type="submit" disabled={action.busy}>
          Create app
        </button>
      </form>
      <ErrorBox error={action.error} />
      <Field label="Search apps on this page" value={search} onChange={setSearch} type="search" />
      <ErrorBox error={apps.error} />
      <table>
        <caption className="sr-only">Apps</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => (
            <tr key={a.id}>
              <td>
                <Link to={`/apps/${encodeURIComponent(a.id)}`}>{a.name}</Link>
              </td>
              <td>
                <code>{a.id}</code>
              </td>
              <td>{a.created_at ? new Date(a.created_at).toLocaleString() : ''}</td>
              <td>
                <ConfirmDelete
                  what={`app ${a.name}`}
                  onConfirm={() =>
                    void action
                      .run((api) => api.json('DELETE', `/v2/apps/${encodeURIComponent(a.id)}`))
                      .then(apps.reload)
                  }
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {apps.data && shown.length === 0 && <p>No apps{search ? ' match' : ' yet'}.</p>}
      <Pager
        hasPrev={pages.hasPrev}
        hasNext={Boolean(apps.data?.next_cursor)}
        onPrev={pages.prev}
        onNext={() => pages.next(apps.data?.next_cursor)}
      />
    </section>
  );
}
