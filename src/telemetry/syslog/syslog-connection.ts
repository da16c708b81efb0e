import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import type { SyslogTarget } from './syslog-target.js';

export type DropReason = 'buffer_full' | 'disconnected';

export interface SyslogConnectionOptions {
  /** Unsent bytes a connection may hold; past it, lines are dropped. */
  bufferBytes: number;
  /** Extra CA certificates (PEM) trusted for TLS targets, besides Node's roots. */
  tlsCa?: string | undefined;
  onDrop: (reason: DropReason) => void;
  onError: (err: unknown, target: SyslogTarget) => void;
  connectTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * A long-lived connection to one syslog receiver. Never blocks nor throws on send: lines are
 * dropped (and counted) while the receiver is unreachable or too slow to keep the buffer under
 * its bound; a broken stream connection is redialled with backoff.
 */
export class SyslogConnection {
  private socket: Socket | undefined;
  private dgram: DgramSocket | undefined;
  private ready = false;
  private closed = false;
  private backoffMs = 500;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: SyslogTarget,
    private readonly opts: SyslogConnectionOptions,
  ) {
    this.dial();
  }

  send(message: string): void {
    if (this.dgram) {
      if (this.dgram.getSendQueueSize() > this.opts.bufferBytes) {
        this.opts.onDrop('buffer_full');
        return;
      }
      this.dgram.send(message, this.target.port, this.target.host, () => {});
      return;
    }
    const s = this.socket;
    if (!s) {
      this.opts.onDrop('disconnected');
      return;
    }
    if (s.writableLength > this.opts.bufferBytes) {
      this.opts.onDrop('buffer_full');
      return;
    }
    // Non-transparent framing (RFC 6587): each message ends with LF; lines never contain one.
    s.write(`${message}\n`);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const s = this.socket;
    this.socket = undefined;
    // Let buffered lines go out, but never wait for a receiver that does not read.
    if (s) s.end(() => s.destroy()).setTimeout(1000, () => s.destroy());
    try {
      this.dgram?.close();
    } catch {}
    this.dgram = undefined;
  }

  get connected(): boolean {
    return this.ready || this.dgram !== undefined;
  }

  private dial(): void {
    const t = this.target;
    if (t.transport === 'udp') {
      const d = createSocket(isIP(t.host) === 6 ? 'udp6' : 'udp4');
      d.on('error', (err) => this.opts.onError(err, t));
      d.unref();
      this.dgram = d;
      return;
    }
    const s =
      t.transport === 'tls'
        ? tlsConnect({
            host: t.host,
            port: t.port,
            ...(isIP(t.host) ? {} : { servername: t.host }),
            ...(this.opts.tlsCa ? { ca: [...rootCertificates, this.opts.tlsCa] } : {}),
          })
        : t.transport === 'unix'
          ? netConnect({ path: t.path })
          : netConnect({ host: t.host, port: t.port });
    s.unref();
    s.setNoDelay(true);
    s.setTimeout(this.opts.connectTimeoutMs ?? 5000, () => {
      if (!this.ready) s.destroy(new Error(`syslog connect to ${t.url} timed out`));
    });
    s.once(t.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      this.ready = true;
      this.backoffMs = 500;
      s.setTimeout(0);
    });
    s.on('error', (err) => this.opts.onError(err, t));
    s.on('close', () => {
      this.ready = false;
      if (this.socket === s) this.socket = undefined;
      if (this.closed) return;
      this.retryTimer = setTimeout(() => this.dial(), this.backoffMs);
      this.retryTimer.unref();
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    });
    // Also discard anything the receiver sends.
    s.on('data', () => {});
    this.socket = s;
  }
}
