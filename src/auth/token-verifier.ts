import type { Datastore } from '../datastore/index.js';
import { isExpired, type Token } from '../models/index.js';
import { hashSecret } from './token-secret.js';

export interface TokenVerifierOptions {
  datastore: Pick<Datastore, 'getTokenByHash' | 'markTokensUsed'>;
  /** How long a looked-up token (or its absence) is trusted before the datastore is asked again. */
  ttlMs?: number;
  /** How often last-used times are written. */
  usedFlushMs?: number;
  clock?: () => number;
  onError?: (err: unknown) => void;
}

interface Entry {
  token: Token | undefined;
  at: number;
}

/** Most secrets remembered: unknown ones are kept too, so that a flood of bad ones stays off the datastore. */
const MaxEntries = 10_000;

/**
 * Turns a bearer secret into its token. Lookups are cached for a few seconds (a token deleted on
 * another node stops working within that time, or at once through the invalidation bus), and
 * the last-used times are written in the background, once a minute, never on a request's path.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, Entry>();
  private readonly used = new Map<string, Token>();
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: TokenVerifierOptions) {
    this.ttlMs = opts.ttlMs ?? 5000;
    this.clock = opts.clock ?? Date.now;
    this.timer = setInterval(() => void this.flushUsed(), opts.usedFlushMs ?? 60_000);
    this.timer.unref();
  }

  /** The secret's token, unless unknown or expired. */
  async verify(secret: string): Promise<Token | undefined> {
    const hash = hashSecret(secret);
    const now = this.clock();
    let entry = this.cache.get(hash);
    if (!entry || now - entry.at > this.ttlMs) {
      entry = { token: await this.opts.datastore.getTokenByHash(hash), at: now };
      if (this.cache.size >= MaxEntries) this.cache.clear();
      this.cache.set(hash, entry);
    }
    const token = entry.token;
    if (!token || isExpired(token, now)) return undefined;
    this.used.set(token.id, token);
    return token;
  }

  /** Forgets every lookup: a token was deleted here or on another node. */
  invalidate(): void {
    this.cache.clear();
  }

  /** Writes the last-used time of the tokens used since the last write. */
  async flushUsed(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used.keys()];
    this.used.clear();
    try {
      await this.opts.datastore.markTokensUsed(ids, new Date(this.clock()).toISOString());
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushUsed();
  }
}
