/** The API's entities as the dashboard reads them (see /v2/openapi.json). */
export interface App {
  id: string;
  name: string;
  config?: Record<string, string>;
  annotations?: Record<string, unknown>;
  syslog_url?: string;
  created_at?: string;
  updated_at?: string;
}
export interface Fn {
  id: string;
  name: string;
  app_id: string;
  image: string;
  memory?: number;
  timeout?: number;
  idle_timeout?: number;
  config?: Record<string, string>;
  annotations?: Record<string, unknown>;
}
export interface Trigger {
  id: string;
  name: string;
  app_id: string;
  fn_id: string;
  type: string;
  source: string;
  annotations?: Record<string, unknown>;
}
export interface Call {
  id: string;
  status: string;
  app_id: string;
  app_name: string;
  fn_id: string;
  type?: string;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  error?: string;
  reason?: string;
  execution_duration?: number;
  attempt?: number;
  retry_of?: string;
  dead_letter?: boolean;
  method?: string;
  url?: string;
  image?: string;
  memory?: number;
  timeout?: number;
  stats?: { timestamp: string; metrics: Record<string, number> }[];
}
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
