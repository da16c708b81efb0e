import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Datastore } from '../datastore/index.js';
import { hashSecret, newSecret } from './token-secret.js';

/** The file in the data directory that holds the generated admin token (mode 0600). */
export const AdminTokenFile = 'admin-token';

/**
 * On the first start of a server with authentication on and no token at all: creates an admin
 * token, stores its hash and writes the secret to `<dataDir>/admin-token` (0600), where the
 * `fnode` CLI on this machine finds it. Returns the secret then (to be shown once), else
 * undefined: once any token exists, nothing is generated again.
 */
export async function ensureAdminToken(
  datastore: Pick<Datastore, 'countTokens' | 'insertToken'>,
  dataDir: string,
): Promise<{ secret: string; file: string } | undefined> {
  if ((await datastore.countTokens()) > 0) return undefined;
  const secret = newSecret();
  await datastore.insertToken({ name: 'admin', scope: 'admin', hash: hashSecret(secret) });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, AdminTokenFile);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, file };
}
