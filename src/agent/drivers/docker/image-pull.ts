import type Dockerode from 'dockerode';
import { ApiError } from '../../../models/api-error.js';
import { Errors, errImagePull } from '../../../models/errors.js';
import { dockerMessage } from './docker-errors.js';

/** Fn's FN_HOT_PULL_TIMEOUT_MSECS default. */
export const DEFAULT_PULL_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Pulls images through the engine, one pull per image at a time (concurrent starts of the same
 * missing image share it). A failure is Fn's `Failed to pull image '<img>': <docker's message>`
 * (502); running out of time is `Image pull timed out` (504).
 */
export class ImagePuller {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly docker: Dockerode,
    private readonly timeoutMs = DEFAULT_PULL_TIMEOUT_MS,
  ) {}

  pull(image: string, signal?: AbortSignal): Promise<void> {
    let p = this.inFlight.get(image);
    if (!p) {
      p = this.run(image).finally(() => this.inFlight.delete(image));
      this.inFlight.set(image, p);
    }
    return signal ? raceAbort(p, signal) : p;
  }

  private async run(image: string): Promise<void> {
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.timeoutMs);
    try {
      const stream = (await this.docker.pull(image, { abortSignal: ac.signal })) as NodeJS.ReadableStream;
      const error = await progressError(stream);
      if (error !== undefined) throw errImagePull(image, error);
    } catch (err) {
      if (timedOut) throw Errors.DockerPullTimeout.copy();
      if (err instanceof ApiError) throw err;
      throw errImagePull(image, dockerMessage(err));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reads a pull's JSON-lines progress to its end; returns the first `error` it reports. */
function progressError(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let error: string | undefined;
    const line = (text: string) => {
      if (text.trim() === '' || error !== undefined) return;
      try {
        const msg = JSON.parse(text) as { error?: unknown; errorDetail?: { message?: unknown } };
        if (typeof msg.error === 'string') error = msg.error;
        else if (typeof msg.errorDetail?.message === 'string') error = msg.errorDetail.message;
      } catch {
        // Not JSON: ignore progress noise.
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let nl = buf.indexOf('\n');
      while (nl !== -1) {
        line(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      line(buf);
      resolve(error);
    });
  });
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
