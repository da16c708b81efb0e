import {
  type Fn,
  FnInvokeEndpointAnnotation,
  type Trigger,
  TriggerHTTPEndpointAnnotation,
} from '../models/index.js';

/** `<base>/invoke/<fn_id>` (Fn's `fn_annotator.go`). */
export function annotateFn(fn: Fn, base: string): Fn {
  const url = `${trimSlash(base)}/invoke/${fn.id}`;
  return { ...fn, annotations: { ...fn.annotations, [FnInvokeEndpointAnnotation]: url } };
}

/** `<base>/t/<app_name>/<source minus one leading />`, for http triggers only (`trigger_annotator.go`). */
export function annotateTrigger(t: Trigger, appName: string, base: string): Trigger {
  if (t.type !== 'http') return t;
  const source = t.source.startsWith('/') ? t.source.slice(1) : t.source;
  const url = `${trimSlash(base)}/t/${appName}/${source}`;
  return { ...t, annotations: { ...t.annotations, [TriggerHTTPEndpointAnnotation]: url } };
}

function trimSlash(base: string): string {
  return base.endsWith('/') ? base.slice(0, -1) : base;
}
