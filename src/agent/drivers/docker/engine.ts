import type Dockerode from 'dockerode';
import { ApiError } from '../../../models/index.js';
import { dockerMessage } from './docker-errors.js';
import type { DriverLogger } from './logger.js';

export interface EngineTraits {
  /** cgroup v2 engines ignore (and warn about) memory swappiness. */
  swappiness: boolean;
}

/**
 * The Docker Engine as the driver sees it: whether it answers, what it supports (asked once, and
 * again after it went away), and where it is, for messages that tell the user what to do.
 */
export class DockerEngine {
  private traitsAsked: Promise<EngineTraits> | undefined;

  constructor(
    private readonly docker: Dockerode,
    private readonly logger: DriverLogger,
    private readonly pingTimeoutMs: number,
  ) {}

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.pingTimeoutMs} ms`)),
        this.pingTimeoutMs,
      );
    });
    try {
      await Promise.race([this.docker.ping() as Promise<unknown>, timeout]);
    } catch (err) {
      throw new Error(
        `Docker is not reachable at ${this.address()}: start it with scripts/docker-up.sh or set DOCKER_HOST (${dockerMessage(err)})`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
    void this.traits().catch(() => {});
  }

  traits(): Promise<EngineTraits> {
    this.traitsAsked ??= this.docker.info().then(
      (info: { CgroupVersion?: unknown }) => ({ swappiness: String(info.CgroupVersion ?? '1') !== '2' }),
      (err: unknown) => {
        this.traitsAsked = undefined;
        this.logger.warn({ err }, 'docker info failed');
        throw this.awayError();
      },
    );
    return this.traitsAsked;
  }

  /** The engine went away: it is asked again at the next start, and the caller gets a 503. */
  wentAway(): ApiError {
    this.traitsAsked = undefined;
    return this.awayError();
  }

  /** The engine went away (or never was): tells the caller what to do, with a 503 to retry. */
  private awayError(): ApiError {
    return new ApiError(
      503,
      `Docker is not reachable at ${this.address()}: start it with scripts/docker-up.sh or set DOCKER_HOST`,
      { 'Retry-After': '15' },
    );
  }

  /** Where the client talks to the engine, for messages. */
  private address(): string {
    const modem = this.docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
    if (typeof modem.socketPath === 'string' && modem.socketPath !== '') return modem.socketPath;
    if (typeof modem.host === 'string')
      return modem.port ? `${modem.host}:${String(modem.port)}` : modem.host;
    return process.env['DOCKER_HOST'] || '/var/run/docker.sock';
  }
}
