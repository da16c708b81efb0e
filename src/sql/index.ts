// The SQL plumbing the datastore, the SQL queue and the cluster bus share: database URLs, Kysely
// dialects (each driver loaded only when its database is used) and a migration runner.
export { type DbTarget, type DialectKind, parseDbUrl } from './db-url.js';
export { createDialect } from './dialect.js';
export { type MigrationSet, runMigrations } from './migrate.js';
