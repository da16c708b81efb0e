import { randomBytes } from 'node:crypto';
import type { LogListener } from '../driver.js';
import { LineSplitter, MARK_END, MARK_START, MAX_LINE_CHARS } from './log-lines.js';
import { StreamDemuxer } from './stream-demux.js';

type Stream = 'stdout' | 'stderr';

/** Writes a marker into the container's stdout and stderr (OutputBarrier). */
export interface MarkerWriter {
  write(text: string): boolean;
}

/** A quiet wait (no barrier): resolves once the output was quiet `quietMs`, not before `first`. */
interface QuietWait {
  first: number;
  deadline: number;
  quietMs: number;
  resolve: () => void;
}

/** A marker on its way through the container's pipes. */
interface Pending {
  n: number;
  /** The listener that takes over, on each stream, once the marker comes back on it. */
  switchTo: { listener: LogListener | undefined } | undefined;
  seen: Record<Stream, boolean>;
  waiters: Array<() => void>;
  timer: NodeJS.Timeout;
}

/** What a change with nothing to wait for returns (made once: it happens on every call). */
const DONE: Promise<void> = Promise.resolve();

/** A switch or drain never waits longer than this for its marker. */
export const MARK_TIMEOUT_MS = 1000;
/** Without a barrier: how long a cleared listener still gets the lines of its call. */
export const LINGER_MS = 100;
/**
 * Without a barrier a call's log is complete once its output has been quiet this long (its
 * late lines come 0.1-2 ms after the answer on an idle machine, more under load; an async
 * call holds its runner slot this long)...
 */
export const QUIET_MS = 20;
/** ...or once this long has passed since the call's end, whatever still comes. */
export const QUIET_MAX_MS = LINGER_MS;

/**
 * Routes a container's attached output, line by line, to the listener of the call that wrote it.
 *
 * The output reaches fnode through containerd and dockerd, apart from the function's answer on
 * its socket, so a call's last lines often arrive after its answer (measured: half of the calls,
 * ~0.1-2 ms late, more under load). With an OutputBarrier a listener change is written into the
 * container's own stdout and stderr as a marker, and takes effect on each stream when the marker
 * comes back: every line goes to the listener that was current when it was written. Without a
 * barrier, changes take effect at once, and a cleared listener lingers for LINGER_MS.
 */
export class OutputRouter {
  /** Resolves when the output has ended (the container's stdout and stderr closed). */
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  private isEnded = false;
  private readonly current: Record<Stream, LogListener | undefined> = {
    stdout: undefined,
    stderr: undefined,
  };
  private lingering: LogListener | undefined;
  /** performance.now() when `lingering` stops getting lines (checked as lines come: no timer). */
  private lingerUntil = 0;
  private idle: LogListener | undefined;
  /** The calls' quiet waits share one timer: a hot container ends a call every millisecond or so. */
  private quietWaits: QuietWait[] = [];
  private quietTimer: NodeJS.Timeout | undefined;
  private quietTimerAt = Number.POSITIVE_INFINITY;
  private pending: Pending[] = [];
  private barrier: MarkerWriter | undefined;
  private readonly nonce = randomBytes(6).toString('hex');
  private seq = 0;
  private lastOutputAt = 0;
  private stream: NodeJS.ReadableStream | undefined;

  constructor(
    /** Every line, whoever listens (for the server's debug log). */
    private readonly onLine: (line: string, stream: Stream) => void,
    /** A listener threw. */
    private readonly onListenerError: (err: unknown) => void,
    /** False once the container stopped: no marker can be written then. */
    private readonly running: () => boolean,
    /** The streams that carry log lines (and markers); [V1] stdio containers answer on stdout. */
    private readonly logStreams: readonly Stream[] = ['stdout', 'stderr'],
  ) {
    this.ended = new Promise((r) => {
      this.resolveEnded = r;
    });
  }

  get hasBarrier(): boolean {
    return this.barrier !== undefined;
  }

  useBarrier(barrier: MarkerWriter | undefined): void {
    this.barrier = barrier;
  }

  /**
   * Reads Docker's multiplexed attach stream. With `rawStdout`, stdout is not a log stream: its
   * bytes go there as they come.
   */
  attach(stream: NodeJS.ReadableStream, rawStdout?: (payload: Buffer) => void): void {
    this.stream = stream;
    const splitter = (s: Stream) =>
      new LineSplitter(
        (line) => this.deliver(line, s),
        MAX_LINE_CHARS,
        (id) => this.onMark(s, id),
      );
    const out = splitter('stdout');
    const err = splitter('stderr');
    const demux = new StreamDemuxer((s, payload) => {
      if (s === 'stderr') err.push(payload);
      else if (rawStdout) rawStdout(payload);
      else out.push(payload);
    });
    const end = () => {
      if (this.isEnded) return;
      this.isEnded = true;
      out.flush();
      err.flush();
      for (const p of this.pending) this.settle(p, true);
      this.pending = [];
      this.resolveEnded();
    };
    stream.on('data', (chunk: Buffer) => {
      this.lastOutputAt = performance.now();
      demux.push(chunk);
    });
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  /**
   * Changes the listener from this point of the output on. Resolves once every line written
   * before the change has gone to the previous listener.
   */
  setListener(listener: LogListener | undefined): Promise<void> {
    const last = this.pending.at(-1);
    if (last?.switchTo && last.switchTo.listener === undefined) {
      // A clear is on its way and nobody listens after it: the change rides on that marker.
      last.switchTo = { listener };
      // On a stream the marker already passed, everything before it has been delivered.
      for (const s of ['stdout', 'stderr'] as const) if (last.seen[s]) this.current[s] = listener;
      return this.waitFor(last);
    }
    const idle =
      !last &&
      this.current.stdout === undefined &&
      this.current.stderr === undefined &&
      !this.lingeringListener();
    if (idle || this.isEnded) {
      this.switchNow(listener);
      return DONE;
    }
    const p = this.mark({ listener });
    if (p) return this.waitFor(p);
    // No barrier: change at once; a cleared listener lingers for the lines still on their way.
    const previous = this.current.stdout ?? this.current.stderr;
    this.switchNow(listener);
    // The previous listener gets no line from now on: there is nothing to wait for.
    if (listener !== undefined) return DONE;
    if (previous) {
      this.lingering = previous;
      this.lingerUntil = performance.now() + LINGER_MS;
    }
    return this.quietFor(QUIET_MS, QUIET_MAX_MS);
  }

  /**
   * Receives the lines no call listener takes: written between calls, or arriving after a
   * call's listener was cleared (its drain limit passed).
   */
  setIdleListener(listener: LogListener | undefined): void {
    this.idle = listener;
  }

  /** Resolves once every line written before now has been delivered (or at most after `maxMs`). */
  drain(maxMs = MARK_TIMEOUT_MS): Promise<void> {
    if (this.isEnded) return DONE;
    const p = this.mark(undefined, maxMs);
    return p ? this.waitFor(p) : this.quietFor(QUIET_MS, Math.min(QUIET_MAX_MS, maxMs));
  }

  /** Stops reading (the container is being removed). */
  close(): void {
    const s = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    s?.removeAllListeners('data');
    s?.destroy?.();
  }

  private switchNow(listener: LogListener | undefined): void {
    // Markers still on their way must not switch back to an older listener when they arrive.
    for (const p of this.pending) p.switchTo = undefined;
    this.lingering = undefined;
    this.current.stdout = listener;
    this.current.stderr = listener;
  }

  private mark(switchTo: Pending['switchTo'], maxMs = MARK_TIMEOUT_MS): Pending | undefined {
    if (!this.barrier || this.isEnded || !this.running()) return undefined;
    const n = ++this.seq;
    if (!this.barrier.write(`${MARK_START}${this.nonce}:${n}${MARK_END}`)) return undefined;
    const p: Pending = {
      n,
      switchTo,
      // A stream that carries no markers has nothing to wait for.
      seen: { stdout: !this.logStreams.includes('stdout'), stderr: !this.logStreams.includes('stderr') },
      waiters: [],
      timer: setTimeout(() => this.expire(p), maxMs),
    };
    this.pending.push(p);
    return p;
  }

  private waitFor(p: Pending): Promise<void> {
    return new Promise((r) => p.waiters.push(r));
  }

  private onMark(stream: Stream, id: string): void {
    const sep = id.indexOf(':');
    if (sep === -1 || id.slice(0, sep) !== this.nonce) return;
    const k = Number(id.slice(sep + 1));
    for (const p of this.pending) {
      if (p.n > k) break;
      if (p.seen[stream]) continue;
      p.seen[stream] = true;
      if (p.switchTo) this.current[stream] = p.switchTo.listener;
    }
    while (this.pending[0]?.seen.stdout && this.pending[0].seen.stderr) {
      const p = this.pending.shift();
      if (p) this.settle(p, false);
    }
  }

  /** The marker did not come back in time (output stuck or lost): apply it and move on. */
  private expire(p: Pending): void {
    const i = this.pending.indexOf(p);
    if (i === -1) return;
    // Markers come back in order: the earlier ones are as late as this one.
    for (const q of this.pending.splice(0, i + 1)) this.settle(q, true);
  }

  private settle(p: Pending, force: boolean): void {
    clearTimeout(p.timer);
    if (force && p.switchTo) {
      for (const s of ['stdout', 'stderr'] as const) if (!p.seen[s]) this.current[s] = p.switchTo.listener;
    }
    for (const w of p.waiters) w();
  }

  private deliver(line: string, stream: Stream): void {
    this.onLine(line, stream);
    const listener = this.current[stream] ?? this.lingeringListener() ?? this.idle;
    if (!listener) return;
    try {
      listener(line, stream);
    } catch (err) {
      this.onListenerError(err);
    }
  }

  /** The cleared listener while it lingers (without a barrier). */
  private lingeringListener(): LogListener | undefined {
    if (this.lingering && performance.now() >= this.lingerUntil) this.lingering = undefined;
    return this.lingering;
  }

  /**
   * Resolves once no output has come for `quietMs`, checked from `quietMs` on (at most `maxMs`),
   * or at the end.
   */
  private quietFor(quietMs: number, maxMs: number): Promise<void> {
    const now = performance.now();
    return new Promise((resolve) => {
      this.quietWaits.push({ first: now + quietMs, deadline: now + maxMs, quietMs, resolve });
      this.armQuiet(now + quietMs);
    });
  }

  private armQuiet(at: number): void {
    if (this.quietTimer && this.quietTimerAt <= at) return;
    clearTimeout(this.quietTimer);
    this.quietTimerAt = at;
    this.quietTimer = setTimeout(() => this.checkQuiet(), Math.max(1, at - performance.now()));
  }

  private checkQuiet(): void {
    this.quietTimer = undefined;
    this.quietTimerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    const waiting: QuietWait[] = [];
    for (const w of this.quietWaits) {
      // Timers run on the event loop's clock, which may lag performance.now() by a millisecond.
      const started = now + 1 >= w.first;
      if (started && (this.isEnded || now - this.lastOutputAt >= w.quietMs || now >= w.deadline)) w.resolve();
      else {
        waiting.push(w);
        next = Math.min(next, Math.max(w.first, Math.min(this.lastOutputAt + w.quietMs, w.deadline)));
      }
    }
    this.quietWaits = waiting;
    if (waiting.length > 0) this.armQuiet(next);
  }
}
