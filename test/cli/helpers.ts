import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/bin/fnode.js');
export const HELLO_NODE_MODULES = join(ROOT, 'test/fixtures/functions/hello/node_modules');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed; without it stdin is closed at once. */
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs the built CLI as a subprocess. Asynchronous on purpose: the fnode it talks to runs in
 * this same process, so a synchronous spawn would block it.
 */
export function fnode(args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code: code ?? -1,
        stdout,
        stderr,
        json: <T>() => {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Shows what the CLI said when an expectation fails. */
export function show(r: Run): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}

/** The newest modification time of the TypeScript sources under `dir`. */
function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** dist/ holds a build at least as new as every source file (`npm test` builds first). */
function distIsCurrent(): boolean {
  return existsSync(CLI) && statSync(CLI).mtimeMs >= newestSourceMtime(join(ROOT, 'src'));
}

/**
 * `npm run build` when dist/ is older than the sources (a test file run on its own after an
 * edit), once at a time across test files (a mkdir lock). A current build is never rewritten:
 * other test files run the CLI from dist/ meanwhile, and a rewrite under them breaks their
 * imports. Errors of other modules being edited do not stop the CLI tests as long as the CLI
 * itself compiled.
 */
export async function buildCli(): Promise<void> {
  const lock = join(ROOT, 'dist', '.cli-test-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)
        rmSync(lock, { recursive: true });
      if (Date.now() > deadline) throw new Error(`build lock ${lock} held too long`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (distIsCurrent()) return;
    const out = await new Promise<{ code: number; text: string }>((res, rej) => {
      const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        text += c.toString();
      });
      child.on('error', rej);
      child.on('close', (code) => res({ code: code ?? 1, text }));
    });
    if (out.code !== 0 && (out.text.includes('src/cli/') || !existsSync(CLI)))
      throw new Error(`npm run build failed:\n${out.text}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
