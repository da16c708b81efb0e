import type { Datastore } from '../datastore/index.js';
import { type App, fail, isValidId } from '../models/index.js';
import type { AppBody, ListQuery, ListResponse } from './bodies.js';
import { configOf, defined, orUndefined } from './body-fields.js';
import { listResponse, pageRequest } from './paging.js';

/** The `/v2/apps` rules that Fn enforces in its handlers; entity validation is the datastore's. */
export class AppsService {
  constructor(private readonly ds: Datastore) {}

  async create(body: AppBody): Promise<App> {
    if (body.id) fail('AppIDProvided');
    return this.ds.insertApp(
      defined({
        name: body.name ?? '',
        config: configOf(body.config),
        annotations: orUndefined(body.annotations),
        syslog_url: orUndefined(body.syslog_url),
        shape: orUndefined(body.shape),
      }),
    );
  }

  async get(id: string): Promise<App> {
    if (!isValidId(id)) fail('AppsNotFound');
    return this.ds.getAppById(id);
  }

  async list(q: ListQuery): Promise<ListResponse<App>> {
    const page = await this.ds.getApps(defined({ ...pageRequest(q), name: q.name || undefined }));
    return listResponse(page);
  }

  /** `name` may be repeated but not changed; `shape` is ignored, as in Fn. */
  async update(id: string, body: AppBody): Promise<App> {
    if (body.id && body.id !== id) fail('AppsIDMismatch');
    if (!isValidId(id)) fail('AppsNotFound');
    if (body.name) {
      const current = await this.ds.getAppById(id);
      if (current.name !== body.name) fail('AppsNameImmutable');
    }
    return this.ds.updateApp(
      id,
      defined({
        config: configOf(body.config),
        annotations: orUndefined(body.annotations),
        syslog_url: orUndefined(body.syslog_url),
      }),
    );
  }

  async remove(id: string): Promise<void> {
    if (!isValidId(id)) fail('AppsNotFound');
    await this.ds.removeApp(id);
  }
}
