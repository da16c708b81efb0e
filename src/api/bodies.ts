import type { Annotations } from '../models/index.js';

/** Go decodes JSON `null` as "absent"; the request schemas allow it, the services drop it. */
type Maybe<T> = T | null | undefined;

export type ConfigChange = Record<string, string | null>;

/** Request bodies of the v2 API as they arrive (after JSON-schema checks, before Fn's rules). */
export interface AppBody {
  id?: Maybe<string>;
  name?: Maybe<string>;
  config?: Maybe<ConfigChange>;
  annotations?: Maybe<Annotations>;
  syslog_url?: Maybe<string>;
  shape?: Maybe<string>;
  created_at?: Maybe<string>;
  updated_at?: Maybe<string>;
}

export interface FnBody {
  id?: Maybe<string>;
  name?: Maybe<string>;
  app_id?: Maybe<string>;
  image?: Maybe<string>;
  memory?: Maybe<number>;
  timeout?: Maybe<number>;
  idle_timeout?: Maybe<number>;
  config?: Maybe<ConfigChange>;
  annotations?: Maybe<Annotations>;
  shape?: Maybe<string>;
  created_at?: Maybe<string>;
  updated_at?: Maybe<string>;
}

export interface TriggerBody {
  id?: Maybe<string>;
  name?: Maybe<string>;
  app_id?: Maybe<string>;
  fn_id?: Maybe<string>;
  type?: Maybe<string>;
  source?: Maybe<string>;
  annotations?: Maybe<Annotations>;
  created_at?: Maybe<string>;
  updated_at?: Maybe<string>;
}

export interface ListQuery {
  cursor?: string;
  per_page?: string;
  name?: string;
}

export interface FnListQuery extends ListQuery {
  app_id?: string;
}

export interface TriggerListQuery extends ListQuery {
  app_id?: string;
  fn_id?: string;
}

export interface ListResponse<T> {
  items: T[];
  next_cursor?: string;
}
