// Child processes of the bench: the servers and the bare proxy each run in their own process,
// so that neither shares an event loop with the load or with each other.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A port free now; the child binds it a moment later (a server on FN_PORT=0 would not say which). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process, from the kernel's own accounting. */
export function rssMiB(pid: number): number {
  return statusMiB(pid, 'VmRSS');
}

/** A memory field of /proc/<pid>/status (VmRSS, RssAnon, RssFile, RssShmem, ...), in MiB. */
export function statusMiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`process ${pid} has no ${field}: it has exited`);
  return Number(m[1]) / 1024;
}

export const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/** SIGTERM (a server drains its calls and removes its containers), SIGKILL if it hangs. */
export async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface BareProxy {
  url: string;
  child: ChildProcess;
}

/** bench/bare-proxy.ts in a process of its own, relaying to `socketPath`. */
export async function spawnBareProxy(
  socketPath: string,
  headers: Record<string, string>,
): Promise<BareProxy> {
  const script = fileURLToPath(new URL('../bare-proxy.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, socketPath, JSON.stringify(headers)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n');
      if (line.length > 1) resolve(line[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`bare proxy exited (${code}) before listening`)));
  });
  child.stdout!.resume();
  return { url, child };
}
