// One measured step: a closed-loop load from a worker thread against a server, a proxy or a
// container's own socket.
import { type LoadJob, loadInWorker, summarize } from '../stats.js';

export type Target = Pick<LoadJob, 'origin' | 'socketPath' | 'path' | 'headers'>;

export interface Measured {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
}

/** The headers fnode sends a container with each call (Fn's http-stream contract). */
export const callHeaders = (): Record<string, string> => ({
  'fn-call-id': 'bench',
  'fn-deadline': new Date(Date.now() + 3600_000).toISOString(),
});

/** A function container driven directly on its socket: the floor. */
export const direct = (socketPath: string, contentType: string): Target => ({
  origin: 'http://localhost',
  socketPath,
  path: '/call',
  headers: { ...callHeaders(), 'content-type': contentType },
});

export const http = (origin: string, path: string, contentType: string): Target => ({
  origin,
  path,
  headers: { 'content-type': contentType },
});

export async function measure(
  name: string,
  target: Target,
  body: string,
  concurrency: number,
  durationMs: number,
): Promise<Measured> {
  process.stderr.write(`  ${name}\n`);
  const sample = await loadInWorker(name, { ...target, body, concurrency, durationMs }, true);
  return { ...summarize(sample), errors: sample.errors ?? 0 };
}
