import type Dockerode from 'dockerode';
import type { StatsPoint } from '../../../models/index.js';
import type { CallStatsRecorder } from '../driver.js';
import type { DriverLogger } from './logger.js';
import { type DockerStats, decimate, toStatsPoint } from './stats-sample.js';

/** A call longer than this many samples keeps every other one until it ends (then decimated). */
const MAX_HELD = 4 * 240;

/**
 * One Docker stats stream per container (about one message a second), opened when the
 * container starts and closed with it: calls mark their series with begin()/end(), so the hot
 * path makes no Docker API call. Samples between calls are dropped, except the latest.
 */
export class StatsStream implements CallStatsRecorder {
  private latest: StatsPoint | undefined;
  private series: StatsPoint[] | undefined;
  private waiters: ((p: StatsPoint | undefined) => void)[] = [];
  private stream: NodeJS.ReadableStream | undefined;
  private closed = false;

  constructor(
    private readonly handle: Dockerode.Container,
    private readonly logger: DriverLogger,
    private readonly onSample?: (p: StatsPoint) => void,
  ) {}

  /** Opens the stream; failures are logged, never thrown (stats are best effort). */
  open(): void {
    this.handle.stats({ stream: true }).then(
      (stream) => {
        const s = stream as unknown as NodeJS.ReadableStream;
        if (this.closed) {
          destroy(s);
          return;
        }
        this.stream = s;
        let buf = '';
        s.on('data', (chunk: Buffer) => {
          buf += chunk.toString('utf8');
          let nl = buf.indexOf('\n');
          while (nl >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim() !== '') this.onMessage(line);
            nl = buf.indexOf('\n');
          }
        });
        s.on('error', () => {});
        s.on('end', () => this.flushWaiters());
      },
      (err: unknown) => this.logger.debug({ err }, 'docker stats stream not available'),
    );
  }

  begin(): void {
    this.series = [];
  }

  end(waitMs: number): StatsPoint[] | Promise<StatsPoint[]> {
    const series = this.series ?? [];
    this.series = undefined;
    if (series.length > 0) return decimate(series);
    if (this.latest) return [this.latest];
    if (this.closed || waitMs <= 0) return [];
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), waitMs);
      timer.unref();
      const done = (p: StatsPoint | undefined) => {
        clearTimeout(timer);
        resolve(p ? [p] : []);
      };
      this.waiters.push(done);
    });
  }

  close(): void {
    this.closed = true;
    if (this.stream) destroy(this.stream);
    this.flushWaiters();
  }

  private onMessage(line: string): void {
    let raw: DockerStats;
    try {
      raw = JSON.parse(line) as DockerStats;
    } catch {
      return;
    }
    // A stopped container reports a zero `read` time and empty counters.
    if (!raw.read || raw.read.startsWith('0001-')) return;
    const p = toStatsPoint(raw);
    this.latest = p;
    this.onSample?.(p);
    if (this.series) {
      if (this.series.length >= MAX_HELD) this.series = this.series.filter((_, i) => i % 2 === 0);
      this.series.push(p);
    }
    if (this.waiters.length > 0) {
      for (const w of this.waiters.splice(0)) w(p);
    }
  }

  private flushWaiters(): void {
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}

function destroy(s: NodeJS.ReadableStream): void {
  (s as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
}
