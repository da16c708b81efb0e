import type Dockerode from 'dockerode';
import { ApiError } from '../../../models/index.js';
import { Errors, errImagePull } from '../../../models/index.js';
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
      const error = await progressError(this.docker, stream);
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

/** Follows a pull's progress to its end (docker-modem parses it); returns the first `error` it reports. */
function progressError(docker: Dockerode, stream: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: PullMessage[]) => {
      if (err) return reject(err);
      for (const msg of output) {
        if (typeof msg.error === 'string') return resolve(msg.error);
        if (typeof msg.errorDetail?.message === 'string') return resolve(msg.errorDetail.message);
      }
      resolve(undefined);
    });
  });
}

interface PullMessage {
  error?: unknown;
  errorDetail?: { message?: unknown };
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
