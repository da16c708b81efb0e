import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { CliError, ExitCode, usageError } from './exit-codes.js';
import { type FuncFile, imageName } from './func-file.js';
import { note } from './output.js';
import { baseImage, nodeDockerfile } from './templates.js';

/** The generated Dockerfile's name while a build runs; removed afterwards. */
const GENERATED_DOCKERFILE = '.fnode-build.Dockerfile';

export interface BuildOptions {
  dir: string;
  func: FuncFile;
  /** FROM of the generated Dockerfile (runtime node without a Dockerfile). */
  baseImage: string;
  noCache?: boolean;
  buildArgs?: Record<string, string>;
}

/**
 * Builds `<name>:<version>` from the function directory through the Docker API, streaming the
 * build output to stderr. Uses the directory's Dockerfile; for runtime node without one it
 * generates a Dockerfile on `baseImage`. Answers the image name.
 */
export async function buildFunctionImage(opts: BuildOptions): Promise<string> {
  const { dir, func } = opts;
  const image = imageName(func);
  // Loaded on demand: the other commands start faster without it.
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  const ownDockerfile = existsSync(join(dir, 'Dockerfile'));
  if (!ownDockerfile && func.runtime !== 'node')
    throw usageError(
      func.runtime === 'docker' || func.runtime === undefined
        ? `no Dockerfile in ${dir}: runtime docker builds the function's own Dockerfile`
        : `runtime "${func.runtime}" cannot be built by fnode: use runtime node, or docker with a Dockerfile`,
    );
  if (!ownDockerfile) await requireLocalImage(docker, opts.baseImage);
  await installNodeModules(dir);

  note(`Building image ${image}${ownDockerfile ? '' : ` on ${opts.baseImage}`}`);
  const generated = join(dir, GENERATED_DOCKERFILE);
  if (!ownDockerfile)
    writeFileSync(generated, nodeDockerfile(opts.baseImage, func.entrypoint ?? 'node func.js', func.cmd));
  try {
    const entries = readdirSync(dir);
    const stream = await docker
      .buildImage(
        { context: dir, src: entries },
        {
          t: image,
          // Lets people (and tests) find every image of a function, old builds included.
          labels: { 'fnode.fn.name': func.name, 'fnode.fn.version': func.version },
          rm: true,
          forcerm: true,
          ...(ownDockerfile ? {} : { dockerfile: GENERATED_DOCKERFILE }),
          ...(opts.noCache ? { nocache: true } : {}),
          ...(opts.buildArgs ? { buildargs: opts.buildArgs } : {}),
        },
      )
      .catch((e: unknown) => {
        throw dockerError(e);
      });
    await followBuild(docker, stream);
  } finally {
    if (!ownDockerfile) rmSync(generated, { force: true });
  }
  return image;
}

async function followBuild(docker: Dockerode, stream: NodeJS.ReadableStream): Promise<void> {
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(dockerError(err)) : resolve()),
      (event: { stream?: string; status?: string; progress?: string; error?: string }) => {
        if (event.error) failure = event.error.trim();
        else if (event.stream) process.stderr.write(event.stream);
        else if (event.status) note(`${event.status}${event.progress ? ` ${event.progress}` : ''}`);
      },
    );
  });
  if (failure) throw new CliError(`docker build failed: ${failure}`);
}

/**
 * The base image, built from this machine's node (scripts/build-base-image.sh) when the local
 * Docker lacks it: there is no registry to pull it from, and a first deploy must just work.
 */
async function requireLocalImage(docker: Dockerode, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw dockerError(e);
  }
  // Only the base image fnode makes (FNODE_BASE_IMAGE or the default) is built; another name
  // given with --base-image is the user's own.
  const script = image === baseImage(undefined) ? baseImageScript() : undefined;
  if (!script)
    throw new CliError(
      `base image ${image} is not in the local Docker and there is no registry to pull it from: ` +
        'build it with `bash scripts/build-base-image.sh`, or pass --base-image (env FNODE_BASE_IMAGE)',
    );
  note(`Base image ${image} is missing: building it from this machine's node (once)`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('bash', [script], {
      env: { ...process.env, FNODE_BASE_IMAGE: image },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', () => resolve(1));
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0)
    throw new CliError(`building the base image ${image} failed (exit ${code}): see the lines above`);
}

/** scripts/build-base-image.sh of this package, from src/cli (tsx) or dist/src/cli (built). */
function baseImageScript(): string | undefined {
  for (const up of ['../../scripts', '../../../scripts']) {
    const path = fileURLToPath(new URL(`${up}/build-base-image.sh`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The base image has no npm: a function's dependencies are installed on the host first. */
async function installNodeModules(dir: string): Promise<void> {
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath) || existsSync(join(dir, 'node_modules'))) return;
  let deps: unknown;
  try {
    deps = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies?: unknown }).dependencies;
  } catch (e) {
    throw usageError(`cannot parse ${pkgPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!deps || typeof deps !== 'object' || Object.keys(deps).length === 0) return;
  note(`Installing dependencies: npm install --omit=dev (in ${dir})`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.on('error', (e) =>
      reject(new CliError(`cannot run npm (${e.message}): install node_modules in ${dir} yourself`)),
    );
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new CliError(`npm install failed in ${dir} (exit ${code}): fix it, then build again`);
}

/** Docker's own errors, with "cannot reach Docker" (exit 3) when nothing answers. */
export function dockerError(e: unknown): CliError {
  if (e instanceof CliError) return e;
  const code = (e as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ENOTFOUND') {
    const where = process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
    return new CliError(
      `cannot reach Docker at ${where} (${String(code)}): start the Docker Engine or set DOCKER_HOST`,
      ExitCode.unreachable,
    );
  }
  const json = (e as { json?: { message?: unknown } }).json;
  const message =
    typeof json?.message === 'string' ? json.message : e instanceof Error ? e.message : String(e);
  return new CliError(`docker: ${message}`);
}
