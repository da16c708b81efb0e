import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { selfSignedCert } from '../helpers/self-signed.js';

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
    const { certFile, keyFile } = selfSignedCert(dir, 'first');
    fnode = await startTestFnode({ FN_TLS_CERT_FILE: certFile, FN_TLS_KEY_FILE: keyFile });
  });
  after(async () => {
    await fnode?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate and reloads it without a restart', async () => {
    assert.match(fnode.url, /^https:\/\//);
    const port = Number(new URL(fnode.url).port);
    assert.equal(await presentedCn(port), 'first');
    selfSignedCert(dir, 'second');
    fnode.reloadTls();
    assert.equal(await presentedCn(port), 'second');
  });
});
