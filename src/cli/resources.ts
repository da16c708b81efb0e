import type { ApiClient } from './api-client.js';
import type { App, Fn, Trigger } from './api/index.js';
import { CliError } from './exit-codes.js';

export type { App, Call, Fn, Token, Trigger } from './api/index.js';

export const INVOKE_ENDPOINT = 'fnproject.io/fn/invokeEndpoint';
export const TRIGGER_ENDPOINT = 'fnproject.io/trigger/httpEndpoint';

export async function findApp(api: ApiClient, name: string): Promise<App | undefined> {
  const page = await api.ok(api.v2.GET('/v2/apps', { params: { query: { name } } }));
  return page.items.find((a) => a.name === name);
}

export async function getApp(api: ApiClient, name: string): Promise<App> {
  const app = await findApp(api, name);
  if (!app) throw new CliError(`app ${name} not found: create it with \`fnode create app ${name}\``);
  return app;
}

export async function findFn(api: ApiClient, appId: string, name: string): Promise<Fn | undefined> {
  const page = await api.ok(api.v2.GET('/v2/fns', { params: { query: { app_id: appId, name } } }));
  return page.items.find((f) => f.name === name);
}

export async function getFn(api: ApiClient, app: App, name: string): Promise<Fn> {
  const fn = await findFn(api, app.id, name);
  if (!fn)
    throw new CliError(
      `function ${name} not found in app ${app.name}: deploy it with \`fnode deploy --app ${app.name}\` ` +
        `or create it with \`fnode create fn ${app.name} ${name} <image>\``,
    );
  return fn;
}

export async function findTrigger(
  api: ApiClient,
  appId: string,
  fnId: string,
  name: string,
): Promise<Trigger | undefined> {
  const page = await api.ok(
    api.v2.GET('/v2/triggers', { params: { query: { app_id: appId, fn_id: fnId, name } } }),
  );
  return page.items.find((t) => t.name === name);
}

export async function getTrigger(api: ApiClient, app: App, fn: Fn, name: string): Promise<Trigger> {
  const trigger = await findTrigger(api, app.id, fn.id, name);
  if (!trigger)
    throw new CliError(
      `trigger ${name} not found on function ${fn.name} of app ${app.name}: ` +
        `create it with \`fnode create trigger ${app.name} ${fn.name} ${name}\``,
    );
  return trigger;
}

/** The fn's invoke URL: its `invokeEndpoint` annotation, else `<api>/invoke/<id>`. */
export function invokeEndpoint(api: ApiClient, fn: Fn): string {
  const annotated = fn.annotations?.[INVOKE_ENDPOINT];
  return typeof annotated === 'string' && annotated !== '' ? annotated : `${api.baseUrl}/invoke/${fn.id}`;
}

export function triggerEndpoint(t: Trigger): string | undefined {
  const url = t.annotations?.[TRIGGER_ENDPOINT];
  return typeof url === 'string' ? url : undefined;
}
