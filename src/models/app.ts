import { checkTextSize } from './text.js';
import {
  type Annotations,
  type Config,
  isEmptyObject,
  jsonEqual,
  mergeAnnotations,
  mergeConfig,
  validateAnnotations,
} from './annotations.js';
import { errInvalidSyslog, fail } from './errors.js';
import { MaxLengthAppName } from './limits.js';

export interface App {
  id: string;
  name: string;
  config?: Config;
  annotations?: Annotations;
  syslog_url?: string;
  shape?: string;
  created_at: string;
  updated_at: string;
}

export const AppShapes = ['GENERIC_X86', 'GENERIC_ARM', 'GENERIC_X86_ARM'] as const;
export const SyslogSchemes = ['udp', 'tcp', 'unix', 'unixgram', 'tcp+tls'];

/** Letters, digits (any script), `_` and `-`: Fn's rule for app and trigger names. */
const NAME_PATTERN = /^[\p{L}\p{N}_-]+$/u;

export function isValidResourceName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function validateAppName(name: string | undefined): void {
  if (!name) fail('MissingName');
  if (Buffer.byteLength(name) > MaxLengthAppName) fail('AppsTooLongName');
  if (!isValidResourceName(name)) fail('AppsInvalidName');
}

/**
 * Go's url.Parse reads a string without a `scheme:` prefix (a bare word such as `yo`) as a
 * path with an empty scheme, so Fn refuses it for its scheme, not as unparsable.
 */
function isSchemelessPath(raw: string): boolean {
  const firstSegment = raw.split('/', 1)[0] ?? '';
  return (
    !firstSegment.includes(':') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Go rejects control characters
    !/[\x00-\x1f\x7f]/.test(raw) &&
    !/%(?![0-9A-Fa-f]{2})/.test(raw)
  );
}

/**
 * Fn accepts a comma-separated list of syslog URLs (seed 000); each must parse and use a
 * supported scheme.
 */
export function validateSyslogUrl(value: string | undefined): void {
  if (!value) return;
  checkTextSize(value);
  for (const part of value.split(',')) {
    const raw = part.trim();
    let scheme: string;
    try {
      scheme = isSchemelessPath(raw) ? '' : new URL(raw).protocol.replace(/:$/, '');
    } catch {
      throw errInvalidSyslog(value, `parse "${raw}": invalid URI for request`);
    }
    if (!SyslogSchemes.includes(scheme)) {
      throw errInvalidSyslog(value, 'invalid scheme, only [tcp, udp, unix, unixgram, tcp+tls] are supported');
    }
    // Fn's scheme, but Node has no unix datagram sockets: refused rather than dropping every line.
    if (scheme === 'unixgram') {
      throw errInvalidSyslog(value, 'unixgram is not supported by fnode, use unix, udp, tcp or tcp+tls');
    }
  }
}

export function validateApp(app: Pick<App, 'name' | 'annotations' | 'syslog_url' | 'shape'>): void {
  validateAppName(app.name);
  validateAnnotations(app.annotations);
  validateSyslogUrl(app.syslog_url);
  if (app.shape && !(AppShapes as readonly string[]).includes(app.shape)) fail('AppsInvalidShape');
}

export type AppPatch = Partial<Pick<App, 'config' | 'annotations' | 'syslog_url'>>;

/** Applies a PUT body to an app (Fn's `App.Update`); bumps updated_at only on a real change. */
export function updateApp(app: App, patch: AppPatch, at: string): App {
  const next: App = { ...app };
  const config = mergeConfig(app.config, patch.config);
  if (config !== undefined) next.config = config;
  const annotations = mergeAnnotations(app.annotations, patch.annotations);
  if (annotations === undefined) delete next.annotations;
  else next.annotations = annotations;
  if (patch.syslog_url !== undefined) {
    if (patch.syslog_url === '') delete next.syslog_url;
    else next.syslog_url = patch.syslog_url;
  }
  if (isEmptyObject(next.config)) delete next.config;
  const changed =
    !jsonEqual(app.config ?? {}, next.config ?? {}) ||
    !jsonEqual(app.annotations ?? {}, next.annotations ?? {}) ||
    app.syslog_url !== next.syslog_url;
  if (changed) next.updated_at = at;
  return next;
}
