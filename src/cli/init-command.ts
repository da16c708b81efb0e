import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { action } from './cli-context.js';
import { usageError } from './exit-codes.js';
import { addConfigOptions, addFnLimitOptions, type ConfigOptions, type FnLimitOptions } from './flags.js';
import { FUNC_FILE_NAMES, type FuncFile, funcFileYaml, SCHEMA_VERSION } from './func-file.js';
import { note, printJson, println } from './output.js';
import { baseImage, HELLO_FUNC_JS, helloPackageJson, nodeDockerfile } from './templates.js';

const RUNTIMES = ['node', 'docker'];

interface InitOptions extends ConfigOptions, FnLimitOptions {
  runtime?: string;
  name?: string;
  entrypoint?: string;
  cmd?: string;
  version: string;
  trigger?: string;
  workingDir?: string;
  baseImage?: string;
}

/** `fnode init [name]`: a new function directory (Fn's `fn init`). */
export function registerInit(program: Command): void {
  const cmd = program
    .command('init')
    .argument('[name]', 'function name; creates ./<name> (default: the current directory)')
    .description('create a function: func.yaml plus a hello function (node) or a Dockerfile (docker)')
    .option('--runtime <runtime>', `runtime: ${RUNTIMES.join(' or ')} (docker: your own Dockerfile)`)
    .option('--name <name>', 'function name (default: the directory name)')
    .option('--entrypoint <command>', 'command the image runs (default for node: node func.js)')
    .option('--cmd <command>', 'arguments passed to the entrypoint')
    .option('--version <version>', 'initial version', '0.0.1')
    .option('--trigger <type>', 'add a trigger of this type (http) named after the function')
    .option('-w, --working-dir <dir>', 'directory to create the function in')
    .option('--base-image <image>', 'FROM image of the example Dockerfile (docker runtime)');
  addFnLimitOptions(cmd);
  addConfigOptions(cmd);
  cmd.action(
    action<InitOptions>(async (ctx, args, opts) => {
      const parent = resolve(opts.workingDir ?? '.');
      const dir = args[0] ? join(parent, args[0]) : parent;
      const name = opts.name ?? args[0] ?? basename(dir).toLowerCase();
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
        throw usageError(
          `invalid function name "${name}": use lowercase letters, digits, ".", "_" and "-" (pass --name)`,
        );
      const existing = FUNC_FILE_NAMES.find((f) => existsSync(join(dir, f)));
      if (existing) throw usageError(`${join(dir, existing)} already exists: this is already a function`);
      const hasDockerfile = existsSync(join(dir, 'Dockerfile'));
      const runtime = opts.runtime ?? (hasDockerfile ? 'docker' : undefined);
      if (!runtime) throw usageError('pass --runtime node (or --runtime docker with your own Dockerfile)');
      if (!RUNTIMES.includes(runtime))
        throw usageError(
          `runtime "${runtime}" is not supported: use node, or docker with your own Dockerfile`,
        );
      if (opts.trigger !== undefined && opts.trigger !== 'http')
        throw usageError(`trigger type "${opts.trigger}" is not supported: use --trigger http`);

      const func: FuncFile = {
        schema_version: SCHEMA_VERSION,
        name,
        version: opts.version,
        runtime,
        ...(runtime === 'node' ? { entrypoint: opts.entrypoint ?? 'node func.js' } : {}),
        ...(runtime !== 'node' && opts.entrypoint ? { entrypoint: opts.entrypoint } : {}),
        ...(opts.cmd ? { cmd: opts.cmd } : {}),
        ...(opts.memory !== undefined ? { memory: opts.memory } : {}),
        ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
        ...(opts.idleTimeout !== undefined ? { idle_timeout: opts.idleTimeout } : {}),
        ...(opts.config ? { config: opts.config } : {}),
        ...(opts.annotation ? { annotations: opts.annotation } : {}),
        ...(opts.trigger ? { triggers: [{ name, type: opts.trigger, source: `/${name}` }] } : {}),
      };

      mkdirSync(dir, { recursive: true });
      const written: string[] = [];
      const write = (file: string, content: string) => {
        if (existsSync(join(dir, file))) return note(`${file} exists, left as it is`);
        writeFileSync(join(dir, file), content);
        written.push(file);
      };
      write('func.yaml', funcFileYaml(func));
      const example = runtime === 'node' || (runtime === 'docker' && !hasDockerfile && isEmptyish(dir));
      if (runtime === 'docker' && !hasDockerfile)
        write('Dockerfile', nodeDockerfile(baseImage(opts.baseImage), 'node func.js'));
      if (example) {
        write('func.js', HELLO_FUNC_JS);
        write('package.json', helloPackageJson(name));
      }

      if (ctx.output === 'json') return printJson({ name, runtime, dir, files: written });
      const where = relative(process.cwd(), dir) || '.';
      println(`Created function ${name} (runtime ${runtime}) in ${where}: ${written.join(', ')}`);
      const cd = where === '.' ? '' : `cd ${where} && `;
      println(`Next: ${cd}fnode deploy --app <app> --create-app`);
    }),
  );
}

/** Only func.yaml so far (or nothing): no code of the user's to clash with. */
function isEmptyish(dir: string): boolean {
  return readdirSync(dir).every((f) => f === 'func.yaml' || f.startsWith('.'));
}
