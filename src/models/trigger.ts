import { checkTextSize } from './text.js';
import { type Annotations, jsonEqual, mergeAnnotations, validateAnnotations } from './annotations.js';
import { isValidResourceName } from './app.js';
import { fail } from './errors.js';
import { validatePublicAnnotation } from './fnode-annotations.js';
import { MaxLengthTriggerName } from './limits.js';
import { EventTriggerTypes, isEventTriggerType, validateEventTrigger } from './event-triggers.js';

export const TriggerHTTPEndpointAnnotation = 'fnproject.io/trigger/httpEndpoint';
export const TriggerTypes = ['http', ...EventTriggerTypes] as const;

export interface Trigger {
  id: string;
  name: string;
  app_id: string;
  fn_id: string;
  type: string;
  source: string;
  annotations?: Annotations;
  created_at: string;
  updated_at: string;
}

export function validateTrigger(
  t: Pick<Trigger, 'name' | 'app_id' | 'fn_id' | 'type' | 'source' | 'annotations'>,
): void {
  if (!t.app_id) fail('TriggerMissingAppID');
  if (!t.name) fail('TriggerMissingName');
  if (Buffer.byteLength(t.name) > MaxLengthTriggerName) fail('TriggerTooLongName');
  if (!isValidResourceName(t.name)) fail('TriggerInvalidName');
  if (!t.fn_id) fail('TriggerMissingFnID');
  if (!(TriggerTypes as readonly string[]).includes(t.type)) fail('TriggerTypeUnknown');
  if (!t.source) fail('TriggerMissingSource');
  // Only an http trigger's source is a path; the other types check theirs (event-triggers.ts).
  if (t.type === 'http' && !t.source.startsWith('/')) fail('TriggerMissingSourcePrefix');
  checkTextSize(t.source);
  validateAnnotations(t.annotations);
  validatePublicAnnotation(t.annotations);
  if (isEventTriggerType(t.type)) validateEventTrigger(t.type, t.source, t.annotations);
}

export type TriggerPatch = Partial<Pick<Trigger, 'name' | 'fn_id' | 'source' | 'annotations'>>;

/** Applies a PUT body (Fn's `Trigger.Update`): name, fn_id, source and annotations may change. */
export function updateTrigger(t: Trigger, patch: TriggerPatch, at: string): Trigger {
  const next: Trigger = { ...t };
  if (patch.fn_id) next.fn_id = patch.fn_id;
  if (patch.name) next.name = patch.name;
  if (patch.source) next.source = patch.source;
  const annotations = mergeAnnotations(t.annotations, patch.annotations);
  if (annotations === undefined) delete next.annotations;
  else next.annotations = annotations;
  const changed =
    next.fn_id !== t.fn_id ||
    next.name !== t.name ||
    next.source !== t.source ||
    !jsonEqual(t.annotations ?? {}, next.annotations ?? {});
  if (changed) next.updated_at = at;
  return next;
}
