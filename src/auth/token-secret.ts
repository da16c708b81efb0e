import { createHash, randomBytes } from 'node:crypto';

/** Every secret starts so, which makes a leaked one easy to recognise in logs and scanners. */
export const SecretPrefix = 'fnode_';

/** A new secret: 256 random bits. */
export function newSecret(): string {
  return SecretPrefix + randomBytes(32).toString('base64url');
}

/**
 * What the datastore keeps of a secret. A secret holds 256 random bits, so one SHA-256 pass is
 * enough: a slow password hash would only slow every request down.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The secret of an `Authorization: Bearer <secret>` header, if it has that form. */
export function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}
