import { readFileSync } from 'node:fs';
import { type DropReason, SyslogConnection } from './syslog-connection.js';
import { formatSyslog, syslogPrefix } from './syslog-format.js';
import { parseSyslogUrls, type SyslogTarget } from './syslog-target.js';

export interface SyslogHubOptions {
  bufferBytes: number;
  /** PEM file of extra trusted CAs for `tcp+tls://` targets. */
  tlsCaFile?: string | undefined;
  onDrop?: (reason: DropReason) => void;
  onError?: (err: unknown, url: string) => void;
}

/** The syslog connections of one hot container; the call id changes per call (seed 000). */
export class ContainerSyslog {
  private readonly prefix: string;

  constructor(
    private readonly conns: SyslogConnection[],
    fnId: string,
    appId: string,
  ) {
    this.prefix = syslogPrefix(fnId, appId);
  }

  write(callId: string, line: string, stream?: 'stdout' | 'stderr'): void {
    const msg = formatSyslog(this.prefix, callId, line, stream, Date.now());
    for (const c of this.conns) c.send(msg);
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}

/** Opens per-container syslog connections for apps with a `syslog_url`. */
export class SyslogHub {
  private readonly tlsCa: string | undefined;

  constructor(private readonly opts: SyslogHubOptions) {
    this.tlsCa = opts.tlsCaFile ? readFileSync(opts.tlsCaFile, 'utf8') : undefined;
  }

  /** Connections to every URL of `syslogUrl`, dialled now and reused for the container's calls. */
  open(syslogUrl: string, fnId: string, appId: string): ContainerSyslog {
    const { targets } = parseSyslogUrls(syslogUrl);
    const onDrop = this.opts.onDrop ?? (() => {});
    const conns = targets.map(
      (t: SyslogTarget) =>
        new SyslogConnection(t, {
          bufferBytes: this.opts.bufferBytes,
          tlsCa: this.tlsCa,
          onDrop,
          onError: (err) => this.opts.onError?.(err, t.url),
        }),
    );
    return new ContainerSyslog(conns, fnId, appId);
  }
}
