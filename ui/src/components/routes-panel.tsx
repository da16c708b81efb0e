import { useState } from 'react';
import { useAction, useLoad } from '../hooks.js';
import { ConfirmDelete, Copy, ErrorBox, Field } from './widgets.js';

interface Route {
  path: string;
  image: string;
  format: string;
  memory: number;
  timeout: number;
  type: string;
}

const FORMATS = ['http-stream', 'default', 'http', 'json', 'cloudevent'];

/** An app's v1 routes (Fn's v1 API): list with their `/r` URLs, create, delete. */
export function RoutesPanel(props: { appName: string }) {
  const app = encodeURIComponent(props.appName);
  const routes = useLoad((api) => api.get<{ routes: Route[] }>(`/v1/apps/${app}/routes?per_page=100`), [app]);
  const [path, setPath] = useState('');
  const [image, setImage] = useState('');
  const [format, setFormat] = useState('http-stream');
  const action = useAction();
  const url = (p: string) => `${location.origin}/r/${app}${p}`;
  const routePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

  return (
    <div>
      <h2>v1 routes</h2>
      <ErrorBox error={routes.error} />
      <ul className="plain">
        {(routes.data?.routes ?? []).map((r) => (
          <li key={r.path}>
            <strong>{r.path}</strong> <code>{r.image}</code> {r.format}, {r.memory} MB, {r.timeout} s{' '}
            <Copy text={url(r.path)} label={`URL of route ${r.path}`} />{' '}
            <ConfirmDelete
              what={`route ${r.path}`}
              onConfirm={() =>
                void action
                  .run((api) => api.json('DELETE', `/v1/apps/${app}/routes${routePath(r.path)}`))
                  .then(routes.reload)
              }
            />
          </li>
        ))}
      </ul>
      {routes.data && routes.data.routes.length === 0 && <p>No v1 routes.</p>}
      <form
        className="inline"
        aria-label="Create a v1 route"
        onSubmit={async (e) => {
          e.preventDefault();
          const p = path.trim().startsWith('/') ? path.trim() : `/${path.trim()}`;
          const ok = await action.run((api) =>
            api.json('POST', `/v1/apps/${app}/routes`, { route: { path: p, image: image.trim(), format } }),
          );
          if (ok) {
            setPath('');
            routes.reload();
          }
        }}
      >
        <Field
          label="Route path"
          name="route-path"
          value={path}
          onChange={setPath}
          required
          placeholder="/hello"
        />
        <Field label="Route image" name="route-image" value={image} onChange={setImage} required />
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value)}>
            {FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Create route
        </button>
      </form>
      <ErrorBox error={action.error} />
    </div>
  );
}
