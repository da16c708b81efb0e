import { Option } from 'commander';
import { action } from './cli-context.js';
import { collectAnnotation, addPagingOptions, type PagingOptions } from './flags.js';
import { type Column, printJson, printList, println } from './output.js';
import { getApp, getFn, getTrigger, type Trigger, triggerEndpoint } from './resources.js';
import { printInspect, type Verbs } from './verbs.js';

const NAMES = ['trigger', 'trig', 'tr', 't'];

const COLUMNS: Column<Trigger>[] = [
  { header: 'NAME', value: (t) => t.name },
  { header: 'ID', value: (t) => t.id },
  { header: 'TYPE', value: (t) => t.type },
  { header: 'SOURCE', value: (t) => t.source },
  { header: 'ENDPOINT', value: (t) => triggerEndpoint(t) },
];

interface TriggerOptions {
  source?: string;
  type?: string;
  annotation?: Record<string, unknown>;
}

/** Fn adds the leading `/` of an http source; the other types' sources are taken as given. */
const sourceFor = (type: string, s: string) => (type !== 'http' || s.startsWith('/') ? s : `/${s}`);

const TYPES = ['http', 'cron', 'nats', 'amqp', 'mqtt', 'redis-stream'];

/** `fnode list|create|update|delete|inspect triggers`. */
export function registerTriggers(verbs: Verbs): void {
  addPagingOptions(
    verbs.list
      .command('triggers')
      .aliases(NAMES)
      .argument('<app>', 'app name')
      .argument('[fn]', 'only the triggers of this function')
      .description('list the triggers of an app'),
  ).action(
    action<PagingOptions>(async (ctx, [appName = '', fnName], opts) => {
      const api = ctx.api();
      const app = await getApp(api, appName);
      const fn = fnName ? await getFn(api, app, fnName) : undefined;
      const query = { app_id: app.id, ...(fn ? { fn_id: fn.id } : {}) };
      const triggers = await api.pages(
        (page) => api.v2.GET('/v2/triggers', { params: { query: { ...query, ...page } } }),
        opts.number,
        opts.cursor,
      );
      if (fn || ctx.output === 'json') return printList(ctx.output, triggers, COLUMNS);
      // A whole app's triggers: say which function each belongs to.
      const fns = await api.pages(
        (page) => api.v2.GET('/v2/fns', { params: { query: { app_id: app.id, ...page } } }),
        10_000,
      );
      const names = new Map(fns.map((f) => [f.id, f.name]));
      const columns = [
        { header: 'FUNCTION', value: (t: Trigger) => names.get(t.fn_id) ?? t.fn_id },
        ...COLUMNS,
      ];
      printList(ctx.output, triggers, columns);
    }),
  );

  verbs.create
    .command('triggers')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('<trigger>', 'trigger name')
    .description('create a trigger')
    .option(
      '-s, --source <source>',
      'http: path (a leading / is added; default /<trigger>); cron: schedule; nats: subject; amqp: queue; mqtt: topic filter; redis-stream: stream key',
    )
    .addOption(new Option('-t, --type <type>', 'trigger type').choices(TYPES).default('http'))
    .option('--annotation <key=value>', 'annotation, value JSON if it parses; repeatable', collectAnnotation)
    .action(
      action<TriggerOptions>(async (ctx, [appName = '', fnName = '', name = ''], opts) => {
        const api = ctx.api();
        const app = await getApp(api, appName);
        const fn = await getFn(api, app, fnName);
        const trigger = await api.ok(
          api.v2.POST('/v2/triggers', {
            body: {
              name,
              app_id: app.id,
              fn_id: fn.id,
              type: opts.type ?? 'http',
              source: sourceFor(opts.type ?? 'http', opts.source ?? name),
              ...(opts.annotation ? { annotations: opts.annotation } : {}),
            },
          }),
        );
        if (ctx.output === 'json') return printJson(trigger);
        println(`Successfully created trigger: ${trigger.name}`);
        const url = triggerEndpoint(trigger);
        if (url) println(`Trigger Endpoint: ${url}`);
      }),
    );

  verbs.update
    .command('triggers')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('<trigger>', 'trigger name')
    .description('update a trigger')
    .option('-s, --source <source>', 'new source (for http a leading / is added)')
    .option('--annotation <key=value>', 'annotation, value JSON if it parses; repeatable', collectAnnotation)
    .action(
      action<TriggerOptions>(async (ctx, [appName = '', fnName = '', name = ''], opts) => {
        const api = ctx.api();
        const app = await getApp(api, appName);
        const trigger = await getTrigger(api, app, await getFn(api, app, fnName), name);
        const updated = await api.ok(
          api.v2.PUT('/v2/triggers/{trigger_id}', {
            params: { path: { trigger_id: trigger.id } },
            body: {
              ...(opts.source ? { source: sourceFor(trigger.type, opts.source) } : {}),
              ...(opts.annotation ? { annotations: opts.annotation } : {}),
            },
          }),
        );
        if (ctx.output === 'json') printJson(updated);
        else println(`Trigger ${updated.name} updated`);
      }),
    );

  verbs.delete
    .command('triggers')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('<trigger>', 'trigger name')
    .description('delete a trigger')
    .option('-f, --force', 'accepted for Fn compatibility (no prompt is asked)')
    .action(
      action(async (ctx, [appName = '', fnName = '', name = '']) => {
        const api = ctx.api();
        const app = await getApp(api, appName);
        const trigger = await getTrigger(api, app, await getFn(api, app, fnName), name);
        await api.ok(
          api.v2.DELETE('/v2/triggers/{trigger_id}', { params: { path: { trigger_id: trigger.id } } }),
        );
        if (ctx.output === 'json') printJson({ deleted: 'trigger', id: trigger.id, name: trigger.name });
        else println(`Trigger ${trigger.name} deleted`);
      }),
    );

  verbs.inspect
    .command('triggers')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('<trigger>', 'trigger name')
    .argument('[property]', 'one property, e.g. source or annotations')
    .description('show a trigger as JSON; an event trigger with its status (next fire time, consumer state)')
    .action(
      action(async (ctx, [appName = '', fnName = '', name = '', property]) => {
        const api = ctx.api();
        const app = await getApp(api, appName);
        const trigger = await getTrigger(api, app, await getFn(api, app, fnName), name);
        if (trigger.type === 'http') return printInspect(trigger, property);
        const status = await api.ok(
          api.v2.GET('/v2/triggers/{trigger_id}/status', { params: { path: { trigger_id: trigger.id } } }),
        );
        const { trigger_id: _id, type: _type, ...rest } = status;
        printInspect({ ...trigger, status: rest }, property);
      }),
    );
}
