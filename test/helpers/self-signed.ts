import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A fresh self-signed certificate for loopback (127.0.0.1 and localhost), made with openssl as an
 * operator would: `key.pem` and `cert.pem` in `dir`, valid for a day.
 */
export function selfSignedCert(dir: string, commonName = 'localhost'): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-keyout', keyFile, '-out', certFile, '-subj', `/CN=${commonName}`],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ],
    { stdio: 'pipe' },
  );
  return { certFile, keyFile };
}
