export { type Access, type AppRef, type Need, accessFor, grants } from './access.js';
export { AdminTokenFile, ensureAdminToken } from './admin-token.js';
export {
  type AppLimit,
  type AuthLookups,
  type AuthOptions,
  errAuthRequired,
  errBadToken,
  errOtherApp,
  errScope,
  installAuth,
} from './auth-hooks.js';
export { bearerOf, hashSecret, newSecret, SecretPrefix } from './token-secret.js';
export { TokenVerifier, type TokenVerifierOptions } from './token-verifier.js';
export { TokensService } from './tokens-service.js';
