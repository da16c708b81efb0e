import type { components } from '../../src/cli/api/openapi-types.js';

/**
 * The API's entities, typed from the OpenAPI document (`npm run api-types` generates the types
 * the CLI uses too): a schema change that breaks the dashboard fails `npm run typecheck`.
 */
type Schemas = components['schemas'];
export type App = Schemas['App'];
export type Fn = Schemas['Fn'];
export type Trigger = Schemas['Trigger'];
export type Call = Schemas['Call'];
export interface Page<T> {
  items: T[];
  next_cursor?: string;
}
export interface Figures {
  calls: number;
  errors: number;
  calls_per_sec: number;
  error_rate: number;
  p50_ms: number | null;
  p99_ms: number | null;
  hot_containers: number;
}
export interface Stats {
  since: string;
  minute_secs: number;
  totals: Figures;
  minutes: (Figures & { at: string })[];
  apps: (Figures & { app_id: string; app_name: string })[];
  fns: (Figures & { app_id: string; app_name: string; fn_id: string; fn_name: string })[];
}
export interface PendingCounts {
  queued: number;
  delayed: number;
  running: number;
}
