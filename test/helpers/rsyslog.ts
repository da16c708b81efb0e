import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCert } from './self-signed.js';

/** A real rsyslogd (Debian's) listening on loopback: plain TCP, UDP and TLS (gtls, anonymous). */
export interface Rsyslog {
  tcpPort: number;
  udpPort: number;
  tlsPort: number;
  /** The self-signed certificate rsyslog presents (also its CA). */
  caFile: string;
  /** Lines rsyslog wrote for one input, each `pri|version|timestamp|hostname|app|msg`. */
  lines(input: 'tcp' | 'udp' | 'tls'): string[];
  stop(): Promise<void>;
}

export function rsyslogAvailable(): boolean {
  try {
    execFileSync('rsyslogd', ['-v'], { stdio: 'pipe' });
    return (
      existsSync('/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so') ||
      existsSync('/usr/lib/rsyslog/lmnsd_gtls.so')
    );
  } catch {
    if (process.env['CI'] === 'true')
      throw new Error('rsyslogd and rsyslog-gnutls are required under CI=true');
    return false;
  }
}

async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'udp') {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const port = s.address().port;
    s.close();
    return port;
  }
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise((r) => srv.close(r));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startRsyslog(): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-rsyslog-'));
  const { certFile: caFile, keyFile } = selfSignedCert(dir);
  const [tcpPort, udpPort, tlsPort] = [await freePort('tcp'), await freePort('udp'), await freePort('tcp')];
  const conf = `
global(workDirectory="${dir}"
  defaultNetstreamDriverCAFile="${caFile}"
  defaultNetstreamDriverCertFile="${caFile}"
  defaultNetstreamDriverKeyFile="${keyFile}")
module(load="imptcp")
module(load="imudp")
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
template(name="line" type="string"
  string="%pri%|%protocol-version%|%timereported:::date-rfc3339%|%hostname%|%app-name%|%msg%\\n")
ruleset(name="tcp") { action(type="omfile" file="${dir}/tcp.log" template="line") }
ruleset(name="udp") { action(type="omfile" file="${dir}/udp.log" template="line") }
ruleset(name="tls") { action(type="omfile" file="${dir}/tls.log" template="line") }
input(type="imptcp" port="${tcpPort}" address="127.0.0.1" ruleset="tcp")
input(type="imudp" port="${udpPort}" address="127.0.0.1" ruleset="udp")
input(type="imtcp" port="${tlsPort}" address="127.0.0.1" ruleset="tls")
`;
  writeFileSync(join(dir, 'rsyslog.conf'), conf);
  const child: ChildProcess = spawn(
    'rsyslogd',
    ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'pid')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const end = Date.now() + 10_000;
  while (!((await accepts(tcpPort)) && (await accepts(tlsPort)))) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill();
      throw new Error(`rsyslogd did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    tcpPort,
    udpPort,
    tlsPort,
    caFile,
    lines(input) {
      const f = join(dir, `${input}.log`);
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
