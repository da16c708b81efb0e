import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { type Api, ApiProblem } from './api.js';

/** The API client and what a page does when the API wants a token. */
export interface Session {
  api: Api;
  askToken: () => void;
}
export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the app');
  return s;
}

const BASE = '/ui';
const readPath = () => location.pathname.replace(/^\/ui/, '') || '/';

/** The page's path under /ui (e.g. `/apps/x`), kept in the address bar with pushState. */
export function usePath(): [string, (to: string) => void] {
  const [path, setPath] = useState(readPath);
  useEffect(() => {
    const onPop = () => setPath(readPath());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const go = useCallback((to: string) => {
    history.pushState(null, '', BASE + to);
    setPath(to.split('?')[0] ?? to);
    scrollTo(0, 0);
  }, []);
  return [path, go];
}

export const NavContext = createContext<(to: string) => void>(() => {});

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads data for a page; a 401 asks for a token, other problems become the error text. */
export function useLoad<T>(load: (api: Api) => Promise<T>, deps: unknown[]): Loaded<T> {
  const { api, askToken } = useSession();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef
      .current(api)
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof ApiProblem && e.needsToken) askToken();
        setError(problemText(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [api, tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function problemText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs an action (create, delete...), keeping its error text; a 401 asks for a token. */
export function useAction(): {
  run: (f: (api: Api) => Promise<unknown>) => Promise<boolean>;
  error: string | undefined;
  busy: boolean;
  clear: () => void;
} {
  const { api, askToken } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (f: (api: Api) => Promise<unknown>) => {
      setBusy(true);
      setError(undefined);
      try {
        await f(api);
        return true;
      } catch (e) {
        if (e instanceof ApiProblem && e.needsToken) askToken();
        setError(problemText(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [api, askToken],
  );
  return { run, error, busy, clear: () => setError(undefined) };
}

/** Calls `f` every `ms` while `on`. */
export function useInterval(f: () => void, ms: number, on: boolean): void {
  const ref = useRef(f);
  ref.current = f;
  useEffect(() => {
    if (!on) return;
    const id = setInterval(() => ref.current(), ms);
    return () => clearInterval(id);
  }, [ms, on]);
}
