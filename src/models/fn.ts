import { checkTextSize } from './text.js';
import {
  type Annotations,
  type Config,
  jsonEqual,
  mergeAnnotations,
  mergeConfig,
  validateAnnotations,
} from './annotations.js';
import { fail } from './errors.js';
import { validateFnodeAnnotations } from './fnode-annotations.js';
import {
  DefaultIdleTimeoutSecs,
  DefaultMemoryMB,
  DefaultTimeoutSecs,
  MaxFnTimeoutSecs,
  MaxIdleTimeoutSecs,
  MaxLengthFnName,
  MaxMemoryMB,
} from './limits.js';
import { validateCallRetention } from './call-retention.js';

export const FnInvokeEndpointAnnotation = 'fnproject.io/fn/invokeEndpoint';

export interface Fn {
  id: string;
  name: string;
  app_id: string;
  image: string;
  memory: number;
  timeout: number;
  idle_timeout: number;
  config: Config;
  annotations?: Annotations;
  shape?: string;
  created_at: string;
  updated_at: string;
}

/** `url.PathEscape(name) == name` in Go: unreserved characters plus the sub-delims Go leaves alone. */
const FN_NAME_PATTERN = /^[A-Za-z0-9._~$&+:=@-]+$/;

export function validateFnName(name: string | undefined): void {
  if (!name) fail('FnsMissingName');
  if (Buffer.byteLength(name) > MaxLengthFnName) fail('FnsTooLongName');
  if (!FN_NAME_PATTERN.test(name)) fail('FnsInvalidName');
}

/** Fills Fn's defaults for fields left at zero. */
export function fnWithDefaults<T extends Partial<Fn>>(
  fn: T,
): T & Pick<Fn, 'memory' | 'timeout' | 'idle_timeout' | 'config'> {
  return {
    ...fn,
    memory: fn.memory || DefaultMemoryMB,
    timeout: fn.timeout || DefaultTimeoutSecs,
    idle_timeout: fn.idle_timeout || DefaultIdleTimeoutSecs,
    config: fn.config ?? {},
  };
}

export function validateFn(
  fn: Pick<Fn, 'name' | 'app_id' | 'image' | 'memory' | 'timeout' | 'idle_timeout' | 'annotations'>,
): void {
  validateFnName(fn.name);
  if (!fn.app_id) fail('FnsMissingAppID');
  if (!fn.image) fail('FnsMissingImage');
  checkTextSize(fn.image);
  if (!Number.isInteger(fn.timeout) || fn.timeout <= 0 || fn.timeout > MaxFnTimeoutSecs)
    fail('FnsInvalidTimeout');
  if (!Number.isInteger(fn.idle_timeout) || fn.idle_timeout <= 0 || fn.idle_timeout > MaxIdleTimeoutSecs) {
    fail('FnsInvalidIdleTimeout');
  }
  if (!Number.isInteger(fn.memory) || fn.memory < 1 || fn.memory > MaxMemoryMB) fail('InvalidMemory');
  validateAnnotations(fn.annotations);
  validateFnodeAnnotations(fn.annotations);
  validateCallRetention(fn.annotations);
}

export type FnPatch = Partial<
  Pick<Fn, 'image' | 'memory' | 'timeout' | 'idle_timeout' | 'config' | 'annotations'>
>;

/** Applies a PUT body (Fn's `Fn.Update`): zero values mean unchanged; name and app are immutable. */
export function updateFn(fn: Fn, patch: FnPatch, at: string): Fn {
  const next: Fn = { ...fn };
  if (patch.image) next.image = patch.image;
  if (patch.memory) next.memory = patch.memory;
  if (patch.timeout) next.timeout = patch.timeout;
  if (patch.idle_timeout) next.idle_timeout = patch.idle_timeout;
  next.config = mergeConfig(fn.config, patch.config) ?? {};
  const annotations = mergeAnnotations(fn.annotations, patch.annotations);
  if (annotations === undefined) delete next.annotations;
  else next.annotations = annotations;
  const changed =
    next.image !== fn.image ||
    next.memory !== fn.memory ||
    next.timeout !== fn.timeout ||
    next.idle_timeout !== fn.idle_timeout ||
    !jsonEqual(fn.config, next.config) ||
    !jsonEqual(fn.annotations ?? {}, next.annotations ?? {});
  if (changed) next.updated_at = at;
  return next;
}
