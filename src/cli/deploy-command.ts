import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ApiClient } from './api-client.js';
import { addBuildOptions, type BuildFlags, buildOptions } from './build-command.js';
import { action } from './cli-context.js';
import { buildFunctionImage } from './docker-build.js';
import { CliError } from './exit-codes.js';
import { bumpPatch, type FuncFile, readFuncFile, writeVersion } from './func-file.js';
import { note, printJson, println } from './output.js';
import {
  type App,
  type Fn,
  findApp,
  findFn,
  findTrigger,
  invokeEndpoint,
  type Trigger,
  triggerEndpoint,
} from './resources.js';

interface DeployOptions extends BuildFlags {
  app?: string;
  createApp?: boolean;
  bump: boolean;
  local?: boolean;
}

/** `fnode deploy --app APP [dir]`: bump, build, then create or update the fn and its triggers. */
export function registerDeploy(program: Command): void {
  const cmd = program
    .command('deploy')
    .argument('[dir]', 'function directory', '.')
    .description('bump the version, build the image, and create or update the function and its triggers')
    .requiredOption('--app <app>', 'app to deploy to')
    .option('--create-app', 'create the app if it does not exist')
    .option('--no-bump', 'keep the version in func.yaml')
    .option('--local', 'accepted for Fn compatibility: images are always local (there is no push)');
  addBuildOptions(cmd).action(
    action<DeployOptions>(async (ctx, args, opts) => {
      const appName = opts.app ?? '';
      const loaded = readFuncFile(resolve(args[0] ?? '.'));
      const api = ctx.api();
      // Ask the server first: a missing app or server fails before a long build.
      let app = await findApp(api, appName);
      if (!app && !opts.createApp)
        throw new CliError(
          `app ${appName} not found: create it with \`fnode create app ${appName}\` or pass --create-app`,
        );
      const version = opts.bump ? bumpPatch(loaded.func.version) : loaded.func.version;
      note(`Deploying ${loaded.func.name} to app ${appName}`);
      const func: FuncFile = { ...loaded.func, version };
      const image = await buildFunctionImage({ dir: loaded.dir, func, ...buildOptions(opts) });
      if (version !== loaded.func.version) {
        writeVersion(loaded, version);
        note(`Bumped to version ${version}`);
      }
      if (!app) {
        app = await api.ok(api.v2.POST('/v2/apps', { body: { name: appName } }));
        note(`Created app ${appName}`);
      }
      const fn = await upsertFn(api, app, func, image);
      const triggers: Trigger[] = [];
      for (const t of func.triggers ?? []) triggers.push(await upsertTrigger(api, app, fn, t));

      if (ctx.output === 'json') return printJson({ app, fn, triggers });
      println(`Function ${fn.name} deployed to app ${app.name} with image ${image}`);
      println(`Invoke endpoint: ${invokeEndpoint(api, fn)}`);
      for (const t of triggers) {
        const url = triggerEndpoint(t);
        if (url) println(`Trigger ${t.name} endpoint: ${url}`);
      }
    }),
  );
}

async function upsertFn(api: ApiClient, app: App, func: FuncFile, image: string): Promise<Fn> {
  const body = {
    name: func.name,
    app_id: app.id,
    image,
    ...(func.memory !== undefined ? { memory: func.memory } : {}),
    ...(func.timeout !== undefined ? { timeout: func.timeout } : {}),
    ...(func.idle_timeout !== undefined ? { idle_timeout: func.idle_timeout } : {}),
    ...(func.config ? { config: func.config } : {}),
    ...(func.annotations ? { annotations: func.annotations } : {}),
  };
  const existing = await findFn(api, app.id, func.name);
  if (existing) {
    const fn = await api.ok(
      api.v2.PUT('/v2/fns/{fn_id}', { params: { path: { fn_id: existing.id } }, body }),
    );
    note(`Updated function ${fn.name}`);
    return fn;
  }
  const fn = await api.ok(api.v2.POST('/v2/fns', { body }));
  note(`Created function ${fn.name}`);
  return fn;
}

async function upsertTrigger(
  api: ApiClient,
  app: App,
  fn: Fn,
  t: NonNullable<FuncFile['triggers']>[number],
): Promise<Trigger> {
  const body = { name: t.name, app_id: app.id, fn_id: fn.id, type: t.type, source: t.source };
  const existing = await findTrigger(api, app.id, fn.id, t.name);
  if (existing) {
    const trigger = await api.ok(
      api.v2.PUT('/v2/triggers/{trigger_id}', { params: { path: { trigger_id: existing.id } }, body }),
    );
    note(`Updated trigger ${trigger.name}`);
    return trigger;
  }
  const trigger = await api.ok(api.v2.POST('/v2/triggers', { body }));
  note(`Created trigger ${trigger.name}`);
  return trigger;
}
