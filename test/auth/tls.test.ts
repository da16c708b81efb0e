import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { startTestFnode, type TestFnode } from '../helpers/fnode.js';

/** A fresh self-signed certificate for 127.0.0.1, with openssl (as an operator would make one). */
function makeCert(dir: string, cn: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  );
}

/** The common name of the certificate the server presents on a new connection. */
function presentedCn(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(String(cn));
    });
    socket.once('error', reject);
  });
}

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-tls-'));
  let fnode: TestFnode;
  before(async () => {
    makeCert(dir, 'first');
    fnode = await startTestFnode({
      FN_TLS_CERT_FILE: join(dir, 'cert.pem'),
      FN_TLS_KEY_FILE: join(dir, 'key.pem'),
    });
  });
  after(async () => {
    await fnode?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate and reloads it without a restart', async () => {
    assert.match(fnode.url, /^https:\/\//);
    const port = Number(new URL(fnode.url).port);
    assert.equal(await presentedCn(port), 'first');
    makeCert(dir, 'second');
    fnode.reloadTls();
    assert.equal(await presentedCn(port), 'second');
  });
});
