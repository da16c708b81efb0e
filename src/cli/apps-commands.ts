import type { Command } from 'commander';
import { action } from './cli-context.js';
import { addConfigOptions, addPagingOptions, type ConfigOptions, type PagingOptions } from './flags.js';
import { type Column, printJson, printList, println } from './output.js';
import { type App, getApp } from './resources.js';
import { printInspect, type Verbs } from './verbs.js';

const NAMES = ['app', 'a'];

const COLUMNS: Column<App>[] = [
  { header: 'NAME', value: (a) => a.name },
  { header: 'ID', value: (a) => a.id },
];

interface AppOptions extends ConfigOptions {
  syslogUrl?: string;
  shape?: string;
}

function appOptions(cmd: Command): Command {
  return addConfigOptions(cmd)
    .option('--syslog-url <url>', 'syslog URL(s) for the logs of the functions ("" clears)')
    .option('--shape <shape>', 'GENERIC_X86, GENERIC_ARM or GENERIC_X86_ARM');
}

function appBody(name: string | undefined, opts: AppOptions) {
  return {
    ...(name ? { name } : {}),
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.annotation ? { annotations: opts.annotation } : {}),
    ...(opts.syslogUrl !== undefined ? { syslog_url: opts.syslogUrl } : {}),
    ...(opts.shape ? { shape: opts.shape } : {}),
  };
}

/** `fnode list|create|update|delete|inspect apps`. */
export function registerApps(verbs: Verbs): void {
  addPagingOptions(verbs.list.command('apps').aliases(NAMES).description('list apps')).action(
    action<PagingOptions>(async (ctx, _args, opts) => {
      const api = ctx.api();
      const apps = await api.pages(
        (query) => api.v2.GET('/v2/apps', { params: { query } }),
        opts.number,
        opts.cursor,
      );
      printList(ctx.output, apps, COLUMNS);
    }),
  );

  appOptions(
    verbs.create.command('apps').aliases(NAMES).argument('<app>', 'app name').description('create an app'),
  ).action(
    action<AppOptions>(async (ctx, [name = ''], opts) => {
      const api = ctx.api();
      const app = await api.ok(api.v2.POST('/v2/apps', { body: appBody(name, opts) }));
      if (ctx.output === 'json') printJson(app);
      else println(`Successfully created app: ${app.name}`);
    }),
  );

  appOptions(
    verbs.update.command('apps').aliases(NAMES).argument('<app>', 'app name').description('update an app'),
  ).action(
    action<AppOptions>(async (ctx, [name = ''], opts) => {
      const api = ctx.api();
      const app = await getApp(api, name);
      const updated = await api.ok(
        api.v2.PUT('/v2/apps/{app_id}', {
          params: { path: { app_id: app.id } },
          body: appBody(undefined, opts),
        }),
      );
      if (ctx.output === 'json') printJson(updated);
      else println(`App ${updated.name} updated`);
    }),
  );

  verbs.delete
    .command('apps')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .description('delete an app with its functions and triggers')
    .option('-f, --force', 'accepted for Fn compatibility (no prompt is asked)')
    .option('-r, --recursive', 'accepted for Fn compatibility (functions and triggers always go)')
    .action(
      action(async (ctx, [name = '']) => {
        const api = ctx.api();
        const app = await getApp(api, name);
        await api.ok(api.v2.DELETE('/v2/apps/{app_id}', { params: { path: { app_id: app.id } } }));
        if (ctx.output === 'json') printJson({ deleted: 'app', id: app.id, name: app.name });
        else println(`App ${app.name} deleted`);
      }),
    );

  verbs.inspect
    .command('apps')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('[property]', 'one property, e.g. config or annotations')
    .description('show an app as JSON')
    .action(
      action(async (ctx, [name = '', property]) => {
        printInspect(await getApp(ctx.api(), name), property);
      }),
    );
}
