import { useCallback, useMemo, useState } from 'react';
import { Api } from './api.js';
import { NavContext, SessionContext, usePath } from './hooks.js';
import { Link } from './components/widgets.js';
import { AppPage } from './pages/app-page.js';
import { AppsPage } from './pages/apps-page.js';
import { AsyncPage } from './pages/async-page.js';
import { CallPage } from './pages/call-page.js';
import { FnPage } from './pages/fn-page.js';
import { InvokePage } from './pages/invoke-page.js';
import { OverviewPage } from './pages/overview-page.js';

const TOKEN_KEY = 'fnode.token';

/** The page for a path; `undefined` for none. */
function route(path: string) {
  const p = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (p.length === 0) return <OverviewPage />;
  if (p[0] === 'apps' && p.length === 1) return <AppsPage />;
  if (p[0] === 'apps' && p[1] && p.length === 2) return <AppPage appId={p[1]} />;
  if (p[0] === 'fns' && p[1] && p.length === 2) return <FnPage fnId={p[1]} />;
  if (p[0] === 'fns' && p[1] && p[2] === 'invoke') return <InvokePage fnId={p[1]} />;
  if (p[0] === 'fns' && p[1] && p[2] === 'calls' && p[3]) return <CallPage fnId={p[1]} callId={p[3]} />;
  if (p[0] === 'async') return <AsyncPage />;
  return undefined;
}

export function App() {
  const [path, go] = usePath();
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [asking, setAsking] = useState(false);
  const [draft, setDraft] = useState('');
  const [epoch, setEpoch] = useState(0);
  // A new client when the token changes: pages reload with it.
  const api = useMemo(() => new Api(() => token || undefined), [token]);
  const askToken = useCallback(() => setAsking(true), []);
  const session = useMemo(() => ({ api, askToken }), [api, askToken]);
  const page = route(path);
  const nav = [
    ['/', 'Overview'],
    ['/apps', 'Apps'],
    ['/async', 'Async'],
  ] as const;
  const current = (to: string) =>
    to === '/' ? path === '/' : path.startsWith(to) || (to === '/apps' && path.startsWith('/fns'));

  return (
    <SessionContext.Provider value={session}>
      <NavContext.Provider value={go}>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="top">
          <strong className="brand">fnode</strong>
          <nav aria-label="Main">
            {nav.map(([to, label]) => (
              <Link key={to} to={to} className={current(to) ? 'active' : undefined}>
                {label}
              </Link>
            ))}
          </nav>
          <button type="button" className="token-button" onClick={() => setAsking((a) => !a)}>
            {token ? 'Token set' : 'API token'}
          </button>
        </header>
        {asking && (
          <form
            className="login"
            aria-label="API token"
            onSubmit={(e) => {
              e.preventDefault();
              const t = draft.trim();
              if (t) sessionStorage.setItem(TOKEN_KEY, t);
              else sessionStorage.removeItem(TOKEN_KEY);
              setToken(t);
              setDraft('');
              setAsking(false);
              setEpoch((n) => n + 1);
            }}
          >
            <p>
              This server asks for an API token. It is kept in this browser tab's session only and sent as{' '}
              <code>Authorization: Bearer</code>.
            </p>
            <label className="field">
              <span>Token</span>
              <input
                name="token"
                type="password"
                autoComplete="off"
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                // biome-ignore lint/a11y/noAutofocus: the form opens because a token is needed now
                autoFocus
              />
            </label>
            <button type="submit">Use token</button>
            {token && (
              <button
                type="button"
                onClick={() => {
                  sessionStorage.removeItem(TOKEN_KEY);
                  setToken('');
                  setAsking(false);
                }}
              >
                Forget token
              </button>
            )}
          </form>
        )}
        <main id="main" key={`${epoch}`}>
          {page ?? (
            <section>
              <h1>Not found</h1>
              <p>
                No page here. <Link to="/">Go to the overview</Link>.
              </p>
            </section>
          )}
        </main>
      </NavContext.Provider>
    </SessionContext.Provider>
  );
}
