import type { Command } from 'commander';
import { action } from './cli-context.js';
import { usageError } from './exit-codes.js';
import {
  addConfigOptions,
  addFnLimitOptions,
  addPagingOptions,
  type ConfigOptions,
  type FnLimitOptions,
  type PagingOptions,
} from './flags.js';
import { type Column, printJson, printList, println } from './output.js';
import { type Fn, getApp, getFn, invokeEndpoint } from './resources.js';
import { printInspect, type Verbs } from './verbs.js';

const NAMES = ['fns', 'function', 'func', 'fn', 'f'];

interface FnOptions extends ConfigOptions, FnLimitOptions {
  image?: string;
}

function fnOptions(cmd: Command): Command {
  return addConfigOptions(addFnLimitOptions(cmd)).option('--image <image>', 'image to run, e.g. hello:0.0.2');
}

function fnBody(opts: FnOptions, image: string | undefined) {
  return {
    ...(image ? { image } : {}),
    ...(opts.memory !== undefined ? { memory: opts.memory } : {}),
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    ...(opts.idleTimeout !== undefined ? { idle_timeout: opts.idleTimeout } : {}),
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.annotation ? { annotations: opts.annotation } : {}),
  };
}

/** `fnode list|create|update|delete|inspect functions` (Fn's aliases: fn, f, ...). */
export function registerFns(verbs: Verbs): void {
  addPagingOptions(
    verbs.list
      .command('functions')
      .aliases(NAMES)
      .argument('<app>', 'app name')
      .description('list the functions of an app'),
  ).action(
    action<PagingOptions>(async (ctx, [appName = ''], opts) => {
      const api = ctx.api();
      const app = await getApp(api, appName);
      const fns = await api.pages(
        (page) => api.v2.GET('/v2/fns', { params: { query: { app_id: app.id, ...page } } }),
        opts.number,
        opts.cursor,
      );
      printList(ctx.output, fns, [
        { header: 'NAME', value: (f) => f.name },
        { header: 'IMAGE', value: (f) => f.image },
        { header: 'ID', value: (f) => f.id },
        { header: 'ENDPOINT', value: (f) => invokeEndpoint(api, f) },
      ] satisfies Column<Fn>[]);
    }),
  );

  fnOptions(
    verbs.create
      .command('functions')
      .aliases(NAMES)
      .argument('<app>', 'app name')
      .argument('<fn>', 'function name')
      .argument('[image]', 'image to run (or --image)')
      .description('create a function'),
  ).action(
    action<FnOptions>(async (ctx, [appName = '', name = '', imageArg], opts) => {
      const image = opts.image ?? imageArg;
      if (!image) throw usageError('an image is required: fnode create fn <app> <fn> <image>');
      const api = ctx.api();
      const app = await getApp(api, appName);
      const fn = await api.ok(
        api.v2.POST('/v2/fns', { body: { name, app_id: app.id, ...fnBody(opts, image) } }),
      );
      if (ctx.output === 'json') printJson(fn);
      else println(`Successfully created function: ${fn.name} with ${fn.image}`);
    }),
  );

  fnOptions(
    verbs.update
      .command('functions')
      .aliases(NAMES)
      .argument('<app>', 'app name')
      .argument('<fn>', 'function name')
      .argument('[image]', 'new image (or --image)')
      .description('update a function'),
  ).action(
    action<FnOptions>(async (ctx, [appName = '', name = '', imageArg], opts) => {
      const api = ctx.api();
      const fn = await getFn(api, await getApp(api, appName), name);
      const updated = await api.ok(
        api.v2.PUT('/v2/fns/{fn_id}', {
          params: { path: { fn_id: fn.id } },
          body: fnBody(opts, opts.image ?? imageArg),
        }),
      );
      if (ctx.output === 'json') printJson(updated);
      else println(`Function ${updated.name} updated`);
    }),
  );

  verbs.delete
    .command('functions')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .description('delete a function with its triggers')
    .option('-f, --force', 'accepted for Fn compatibility (no prompt is asked)')
    .option('-r, --recursive', 'accepted for Fn compatibility (triggers always go)')
    .action(
      action(async (ctx, [appName = '', name = '']) => {
        const api = ctx.api();
        const fn = await getFn(api, await getApp(api, appName), name);
        await api.ok(api.v2.DELETE('/v2/fns/{fn_id}', { params: { path: { fn_id: fn.id } } }));
        if (ctx.output === 'json') printJson({ deleted: 'function', id: fn.id, name: fn.name });
        else println(`Function ${fn.name} deleted`);
      }),
    );

  verbs.inspect
    .command('functions')
    .aliases(NAMES)
    .argument('<app>', 'app name')
    .argument('<fn>', 'function name')
    .argument('[property]', 'one property, e.g. image or annotations')
    .description('show a function as JSON')
    .action(
      action(async (ctx, [appName = '', name = '', property]) => {
        const api = ctx.api();
        printInspect(await getFn(api, await getApp(api, appName), name), property);
      }),
    );
}
