import type { Datastore } from '../datastore/index.js';
import { type Fn, FnInvokeEndpointAnnotation, fail, isValidId } from '../models/index.js';
import { annotateFn } from './annotate.js';
import type { FnBody, FnListQuery, ListResponse } from './bodies.js';
import { annotationsOf, configOf, defined, orUndefined } from './body-fields.js';
import { emptyList, listResponse, pageRequest } from './paging.js';

/**
 * The `/v2/fns` handler rules. Every answer carrying a fn is annotated with its invoke endpoint
 * (`base` is the public URL of this server), PUT included: Fn leaves PUT answers bare, but the
 * same object in every answer is what a client expects and the annotation is never stored.
 */
export class FnsService {
  constructor(private readonly ds: Datastore) {}

  async create(body: FnBody, base: string): Promise<Fn> {
    if (body.id) fail('FnsIDProvided');
    // Fn's datastore validator checks these two before the entity's own validation.
    if (!body.app_id) fail('FnsMissingAppID');
    if (!body.name) fail('FnsMissingName');
    const fn = await this.ds.insertFn(
      defined({
        name: body.name,
        app_id: body.app_id,
        image: body.image ?? '',
        memory: orUndefined(body.memory),
        timeout: orUndefined(body.timeout),
        idle_timeout: orUndefined(body.idle_timeout),
        config: configOf(body.config),
        annotations: annotationsOf(body.annotations, FnInvokeEndpointAnnotation),
      }),
    );
    return annotateFn(fn, base);
  }

  async get(id: string, base: string): Promise<Fn> {
    if (!isValidId(id)) fail('FnsNotFound');
    return annotateFn(await this.ds.getFnById(id), base);
  }

  async list(q: FnListQuery, base: string): Promise<ListResponse<Fn>> {
    if (!q.app_id) fail('FnsMissingAppID');
    const page = pageRequest(q);
    // No app can have a malformed id, so its list is empty without asking the datastore.
    if (!isValidId(q.app_id)) return emptyList();
    const fns = await this.ds.getFns(defined({ ...page, appId: q.app_id, name: q.name || undefined }));
    return listResponse(
      fns,
      fns.items.map((fn) => annotateFn(fn, base)),
    );
  }

  /** Zero values mean unchanged; name and app_id are immutable and silently kept. */
  async update(id: string, body: FnBody, base: string): Promise<Fn> {
    if (body.id && body.id !== id) fail('FnsIDMismatch');
    if (!isValidId(id)) fail('FnsNotFound');
    const fn = await this.ds.updateFn(
      id,
      defined({
        image: body.image || undefined,
        memory: body.memory || undefined,
        timeout: body.timeout || undefined,
        idle_timeout: body.idle_timeout || undefined,
        config: configOf(body.config),
        annotations: annotationsOf(body.annotations, FnInvokeEndpointAnnotation),
      }),
    );
    return annotateFn(fn, base);
  }

  async remove(id: string): Promise<void> {
    if (!isValidId(id)) fail('FnsNotFound');
    await this.ds.removeFn(id);
  }
}
