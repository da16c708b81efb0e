import { resolve } from 'node:path';
import type { Command } from 'commander';
import { action } from './cli-context.js';
import { buildFunctionImage } from './docker-build.js';
import { collectBuildArg } from './flags.js';
import { readFuncFile } from './func-file.js';
import { printJson, println } from './output.js';
import { baseImage } from './templates.js';

export interface BuildFlags {
  baseImage?: string;
  cache: boolean;
  buildArg?: Record<string, string>;
}

/** The build flags shared by `build` and `deploy`. */
export function addBuildOptions(cmd: Command): Command {
  return cmd
    .option(
      '--base-image <image>',
      'FROM image for runtime node (env FNODE_BASE_IMAGE, default fnode/node-base:20)',
    )
    .option('--no-cache', "don't use Docker's build cache")
    .option('--build-arg <key=value>', 'Docker build argument; repeatable', collectBuildArg);
}

export function buildOptions(flags: BuildFlags) {
  return {
    baseImage: baseImage(flags.baseImage),
    noCache: !flags.cache,
    ...(flags.buildArg ? { buildArgs: flags.buildArg } : {}),
  };
}

/** `fnode build [dir]`: builds `<name>:<version>` from func.yaml (Fn's `fn build`). */
export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .argument('[dir]', 'function directory', '.')
    .description('build the function image <name>:<version> through the Docker API');
  addBuildOptions(cmd).action(
    action<BuildFlags>(async (ctx, args, opts) => {
      const { dir, func } = readFuncFile(resolve(args[0] ?? '.'));
      const image = await buildFunctionImage({ dir, func, ...buildOptions(opts) });
      if (ctx.output === 'json') printJson({ image });
      else println(`Function ${image} built successfully.`);
    }),
  );
}
