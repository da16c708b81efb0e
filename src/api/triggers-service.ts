import type { Datastore } from '../datastore/index.js';
import { type Trigger, TriggerHTTPEndpointAnnotation, ZERO_TIME, fail, isValidId } from '../models/index.js';
import { annotateTrigger } from './annotate.js';
import type { ListResponse, TriggerBody, TriggerListQuery } from './bodies.js';
import { annotationsOf, defined } from './body-fields.js';
import { emptyList, listResponse, pageRequest } from './paging.js';

/** Go's zero time counts as "not provided", like `time.Time.IsZero`. */
function isProvidedTime(t: string | null | undefined): boolean {
  return !!t && Date.parse(t) !== Date.parse(ZERO_TIME);
}

/**
 * The `/v2/triggers` handler rules. Answers carry the http endpoint annotation, PUT included
 * (Fn leaves PUT answers bare; see FnsService for why fnode does not).
 */
export class TriggersService {
  constructor(private readonly ds: Datastore) {}

  async create(body: TriggerBody, base: string): Promise<Trigger> {
    if (body.id) fail('TriggerIDProvided');
    if (isProvidedTime(body.created_at)) fail('CreatedAtProvided');
    if (isProvidedTime(body.updated_at)) fail('UpdatedAtProvided');
    const trigger = await this.ds.insertTrigger(
      defined({
        name: body.name ?? '',
        app_id: body.app_id ?? '',
        fn_id: body.fn_id ?? '',
        type: body.type ?? '',
        source: body.source ?? '',
        annotations: annotationsOf(body.annotations, TriggerHTTPEndpointAnnotation),
      }),
    );
    return this.annotate(trigger, base);
  }

  async get(id: string, base: string): Promise<Trigger> {
    if (!isValidId(id)) fail('TriggerNotFound');
    return this.annotate(await this.ds.getTriggerById(id), base);
  }

  /**
   * The LB's lookup of an HTTP trigger (`/v2/runner/apps/{app_id}/triggerBySource/...`): the
   * source must match exactly, leading `/` included. Fn means to annotate this answer (it drops
   * the result by mistake); fnode does.
   */
  async getBySource(appId: string, type: string, source: string, base: string): Promise<Trigger> {
    if (!isValidId(appId)) fail('TriggerNotFound');
    return this.annotate(await this.ds.getTriggerBySource(appId, type, source), base);
  }

  async list(q: TriggerListQuery, base: string): Promise<ListResponse<Trigger>> {
    if (!q.app_id) fail('TriggerMissingAppID');
    const page = pageRequest(q);
    // Malformed ids match nothing, so the answer is known without a lookup.
    if (!isValidId(q.app_id) || (q.fn_id && !isValidId(q.fn_id))) return emptyList();
    const triggers = await this.ds.getTriggers(
      defined({ ...page, appId: q.app_id, fnId: q.fn_id || undefined, name: q.name || undefined }),
    );
    if (triggers.items.length === 0) return listResponse(triggers);
    const app = await this.ds.getAppById(q.app_id);
    return listResponse(
      triggers,
      triggers.items.map((t) => annotateTrigger(t, app.name, base)),
    );
  }

  /** Name, fn_id, source and annotations may change; type and app_id are kept. */
  async update(id: string, body: TriggerBody, base: string): Promise<Trigger> {
    if (body.id && body.id !== id) fail('TriggerIDMismatch');
    if (!isValidId(id)) fail('TriggerNotFound');
    const trigger = await this.ds.updateTrigger(
      id,
      defined({
        name: body.name || undefined,
        fn_id: body.fn_id || undefined,
        source: body.source || undefined,
        annotations: annotationsOf(body.annotations, TriggerHTTPEndpointAnnotation),
      }),
    );
    return this.annotate(trigger, base);
  }

  async remove(id: string): Promise<void> {
    if (!isValidId(id)) fail('TriggerNotFound');
    await this.ds.removeTrigger(id);
  }

  private async annotate(t: Trigger, base: string): Promise<Trigger> {
    const app = await this.ds.getAppById(t.app_id);
    return annotateTrigger(t, app.name, base);
  }
}
