/** One destination of an app's `syslog_url` (seed 000: a comma-separated list). */
export interface SyslogTarget {
  url: string;
  transport: 'tcp' | 'udp' | 'tls' | 'unix';
  host: string;
  port: number;
  /** For unix sockets. */
  path: string;
}

const TRANSPORTS: Record<string, SyslogTarget['transport']> = {
  'tcp:': 'tcp',
  'udp:': 'udp',
  'tcp+tls:': 'tls',
  'tls:': 'tls',
  // unixgram: is refused when an app is saved: Node has no unix datagram sockets.
  'unix:': 'unix',
};

/** Parses a syslog_url list; entries that cannot be used are returned in `invalid`. */
export function parseSyslogUrls(value: string): { targets: SyslogTarget[]; invalid: string[] } {
  const targets: SyslogTarget[] = [];
  const invalid: string[] = [];
  for (const part of value.split(',')) {
    const raw = part.trim();
    if (raw === '') continue;
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      invalid.push(raw);
      continue;
    }
    const transport = TRANSPORTS[u.protocol];
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = Number(u.port || '514');
    if (!transport || (transport === 'unix' ? u.pathname === '' : host === '')) {
      invalid.push(raw);
      continue;
    }
    targets.push({ url: raw, transport, host, port, path: decodeURIComponent(u.pathname) });
  }
  return { targets, invalid };
}
