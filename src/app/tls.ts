import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';

/** The key and certificate (PEM) named by FN_TLS_KEY_FILE and FN_TLS_CERT_FILE. */
export function readTls(tls: NonNullable<Config['tls']>): { key: Buffer; cert: Buffer } {
  return { key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) };
}
