import { ApiError } from './api-error.js';

/**
 * What a token may do, widest first. `admin`: everything, tokens included. `deploy`: apps, fns,
 * triggers and routes, and reading them, their calls and logs. `invoke`: calling functions only.
 * `read`: GET on the API only.
 */
export const TokenScopes = ['admin', 'deploy', 'invoke', 'read'] as const;
export type TokenScope = (typeof TokenScopes)[number];

/** An API token as the API shows it: never its secret, which is stored only as a hash. */
export interface Token {
  id: string;
  name: string;
  scope: TokenScope;
  /** The one app the token may see and touch; absent: every app. */
  app_id?: string;
  created_at: string;
  /** Past this time the token is refused; absent: never. */
  expires_at?: string;
  /** Last request made with it, to the minute; absent: never used. */
  last_used_at?: string;
}

/** A token as created: the secret in `token`, shown this once. */
export type NewTokenDocument = Token & { token: string };

export interface NewTokenRequest {
  name?: unknown;
  scope?: unknown;
  app_id?: unknown;
  expires_at?: unknown;
}

export const MaxTokenNameLength = 255;

const bad = (message: string) => new ApiError(400, message);

/** Checks a create request; returns its fields typed. `nowMs` decides whether expiry is past. */
export function validateNewToken(
  req: NewTokenRequest,
  nowMs: number,
): { name: string; scope: TokenScope; app_id?: string; expires_at?: string } {
  if (typeof req.name !== 'string' || req.name.trim() === '') throw bad('Missing token name');
  if (req.name.length > MaxTokenNameLength)
    throw bad(`Token name must be at most ${MaxTokenNameLength} characters`);
  if (typeof req.scope !== 'string' || !(TokenScopes as readonly string[]).includes(req.scope))
    throw bad(`Invalid token scope: must be one of ${TokenScopes.join(', ')}`);
  const out: { name: string; scope: TokenScope; app_id?: string; expires_at?: string } = {
    name: req.name,
    scope: req.scope as TokenScope,
  };
  if (req.app_id !== undefined && req.app_id !== null && req.app_id !== '') {
    if (typeof req.app_id !== 'string') throw bad('Invalid app_id: must be a string');
    out.app_id = req.app_id;
  }
  if (req.expires_at !== undefined && req.expires_at !== null && req.expires_at !== '') {
    const ms = typeof req.expires_at === 'string' ? Date.parse(req.expires_at) : Number.NaN;
    if (Number.isNaN(ms)) throw bad('Invalid expires_at: must be an RFC 3339 time');
    if (ms <= nowMs) throw bad('Invalid expires_at: must be in the future');
    out.expires_at = new Date(ms).toISOString();
  }
  return out;
}

/** True when the token may no longer be used at `nowMs`. */
export function isExpired(token: Pick<Token, 'expires_at'>, nowMs: number): boolean {
  return token.expires_at !== undefined && Date.parse(token.expires_at) <= nowMs;
}
