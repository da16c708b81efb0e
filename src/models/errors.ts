import { ApiError } from './api-error.js';
import {
  MaxAnnotationKeyBytes,
  MaxAnnotationKeys,
  MaxAnnotationValueBytes,
  MaxFnTimeoutSecs,
  MaxIdleTimeoutSecs,
  MaxLengthAppName,
  MaxLengthFnName,
  MaxLengthTriggerName,
  MaxMemoryMB,
  MaxMilliCPUs,
  MaxAsyncTimeoutSecs,
  MaxSyncTimeoutSecs,
  MinMilliCPUs,
} from './limits.js';

const e = (status: number, message: string, headers?: Record<string, string>) =>
  new ApiError(status, message, headers);

/** Fn's `Err*` catalogue (api/models/*.go), with the status each carries. */
const catalogue = {
  // general
  InvalidJSON: e(400, 'Invalid JSON'),
  MethodNotAllowed: e(405, 'Method not allowed'),
  PathNotFound: e(404, 'Path not found'),
  ClientCancel: e(444, 'Client cancelled context'),
  CallTimeout: e(504, 'Timed out'),
  CallTimeoutServerBusy: e(503, 'Timed out - server too busy', { 'Retry-After': '15' }),
  DatastoreUnavailable: e(503, 'Datastore is unavailable: try again shortly', { 'Retry-After': '5' }),
  ServerShuttingDown: e(503, 'Server is shutting down: retry on another node or after its restart', {
    'Retry-After': '5',
  }),
  UnsupportedMediaType: e(415, 'Content Type not supported'),
  MissingID: e(400, 'Missing ID'),
  MissingAppID: e(400, 'Missing App ID'),
  MissingFnID: e(400, 'Missing Fn ID'),
  MissingName: e(400, 'Missing Name'),
  CreatedAtProvided: e(400, 'Trigger Created At Provided for Create'),
  UpdatedAtProvided: e(400, 'Trigger ID Provided for Create'),
  InvalidPayload: e(400, 'Invalid payload'),
  InvalidToTime: e(400, 'to_time is not an epoch time'),
  InvalidFromTime: e(400, 'from_time is not an epoch time'),
  InvalidCursor: e(400, 'Invalid cursor'),
  InvalidPerPage: e(400, 'Invalid per_page'),
  InvalidMemory: e(400, `memory value is out of range. It should be between 0 and ${MaxMemoryMB}`),
  InvalidCPUs: e(
    400,
    `Cpus is invalid. Value should be either between [${(MinMilliCPUs / 1000).toFixed(3)} and ${(MaxMilliCPUs / 1000).toFixed(3)}] or [${MinMilliCPUs}m and ${MaxMilliCPUs}m] milliCPU units`,
  ),
  CallResourceTooBig: e(400, 'Requested CPU/Memory cannot be allocated'),
  TooManyRequests: e(429, 'Too many requests submitted'),
  AsyncUnsupported: e(400, 'Async functions are not supported on this server'),
  DetachUnsupported: e(501, 'Detach call functions are not supported on this server'),
  UnacceptableLogType: e(406, 'unable to respond within acceptable response content types'),
  InternalServerError: e(500, 'internal server error'),

  // datastore
  DatastoreEmptyApp: e(400, 'Missing app'),
  DatastoreEmptyAppID: e(400, 'Missing app ID'),
  DatastoreEmptyFn: e(400, 'Missing Fn'),
  DatastoreEmptyFnID: e(400, 'Missing Fn ID'),
  DatastoreEmptyCallID: e(400, 'Missing call ID'),
  DatastoreEmptyRoute: e(400, 'Missing route'),
  DatastoreCannotUpdateCall: e(409, 'Call to be updated is different from expected'),

  // apps
  AppsMissingID: e(400, 'Missing app ID'),
  AppIDProvided: e(400, 'App ID cannot be supplied on create'),
  AppsIDMismatch: e(400, 'App ID in path does not match ID in body'),
  AppsMissingName: e(400, 'Missing app name'),
  AppsTooLongName: e(400, `App name must be ${MaxLengthAppName} characters or less`),
  AppsInvalidName: e(400, 'Invalid app name'),
  AppsAlreadyExists: e(409, 'App already exists'),
  AppsMissingNew: e(400, 'Missing new application'),
  AppsNameImmutable: e(409, 'Could not update - name is immutable'),
  AppsNotFound: e(404, 'App not found'),
  TokenNotFound: e(404, 'Token not found'),
  AppsInvalidShape: e(400, 'Invalid app shape'),

  // fns
  FnsIDMismatch: e(400, 'Fn ID in path does not match that in body'),
  FnsIDProvided: e(400, 'ID cannot be provided for Fn creation'),
  FnsMissingID: e(400, 'Missing Fn ID'),
  FnsMissingName: e(400, 'Missing Fn name'),
  FnsInvalidName: e(400, 'name must be a valid string'),
  FnsTooLongName: e(400, `Fn name must be ${MaxLengthFnName} characters or less`),
  FnsMissingAppID: e(400, 'Missing AppID on Fn'),
  FnsMissingImage: e(400, 'Missing image on Fn'),
  FnsInvalidFormat: e(400, 'Invalid format on Fn'),
  FnsInvalidTimeout: e(400, `timeout value is out of range, must be between 0 and ${MaxFnTimeoutSecs}`),
  FnsInvalidIdleTimeout: e(
    400,
    `idle_timeout value is out of range, must be between 0 and ${MaxIdleTimeoutSecs}`,
  ),
  FnsNotFound: e(404, 'Fn not found'),
  FnsExists: e(409, 'Fn with specified name already exists'),

  // triggers
  TriggerIDProvided: e(400, 'ID cannot be provided for Trigger creation'),
  TriggerIDMismatch: e(400, 'ID in path does not match ID in body'),
  TriggerMissingName: e(400, 'Missing name on Trigger'),
  TriggerTooLongName: e(400, `Trigger name must be ${MaxLengthTriggerName} characters or less`),
  TriggerInvalidName: e(400, 'Invalid name for Trigger'),
  TriggerMissingAppID: e(400, 'Missing App ID on Trigger'),
  TriggerMissingFnID: e(400, 'Missing Fn ID on Trigger'),
  TriggerFnIDNotSameApp: e(400, 'Invalid Fn ID - not owned by specified app'),
  TriggerTypeUnknown: e(400, 'Trigger Type Not Supported'),
  TriggerMissingSource: e(400, 'Missing Trigger Source'),
  TriggerMissingSourcePrefix: e(400, "Missing Trigger Source Prefix '/'"),
  TriggerNotFound: e(404, 'Trigger not found'),
  TriggerExists: e(409, 'Trigger already exists'),
  TriggerSourceExists: e(409, 'Trigger with the same type and source exists on this app'),

  // v1 routes
  DeleteAppsWithRoutes: e(409, 'Cannot remove apps with routes'),
  RoutesAlreadyExists: e(409, 'Route already exists'),
  RoutesMissingNew: e(400, 'Missing new route'),
  RoutesNotFound: e(404, 'Route not found'),
  RoutesPathImmutable: e(409, 'Could not update - path is immutable'),
  FoundDynamicURL: e(400, 'Dynamic URL is not allowed'),
  PathMalformed: e(400, 'Path malformed'),
  RoutesInvalidPath: e(400, 'Invalid route path format'),
  RoutesInvalidType: e(400, 'Invalid route Type'),
  RoutesInvalidFormat: e(400, 'Invalid route Format'),
  RoutesMissingAppName: e(400, 'Missing route AppName'),
  RoutesMissingImage: e(400, 'Missing route Image'),
  RoutesMissingPath: e(400, 'Missing route Path'),
  RoutesInvalidTimeout: e(
    400,
    `timeout value is out of range. Sync should be between 0 and ${MaxSyncTimeoutSecs}, async should be between 0 and ${MaxAsyncTimeoutSecs}`,
  ),
  RoutesInvalidIdleTimeout: e(
    400,
    `idle_timeout value is out of range. It should be between 0 and ${MaxIdleTimeoutSecs}`,
  ),
  RoutesInvalidMemory: e(400, `memory value is out of range. It should be between 0 and ${MaxMemoryMB}`),

  // annotations
  InvalidAnnotationKey: e(
    400,
    'Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace',
  ),
  InvalidAnnotationKeyLength: e(
    400,
    `Invalid annotation key length, annotation keys may not be larger than ${MaxAnnotationKeyBytes} bytes`,
  ),
  InvalidAnnotationValue: e(
    400,
    'Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays',
  ),
  InvalidAnnotationValueLength: e(
    400,
    `Invalid annotation value length, annotation values may not be larger than ${MaxAnnotationValueBytes} bytes when serialized as JSON`,
  ),
  TooManyAnnotationKeys: e(
    400,
    `Invalid annotation change, new key(s) exceed maximum permitted number of annotations keys (${MaxAnnotationKeys})`,
  ),

  // calls
  CallNotFound: e(404, 'Call not found'),
  CallLogNotFound: e(404, 'Call log not found'),
  CallResponseNotFound: e(404, 'Call response not found'),

  // function execution (agent)
  DockerPullTimeout: e(504, 'Image pull timed out'),
  FunctionResponseTooBig: e(502, 'function response body too large'),
  FunctionResponseHdrTooBig: e(502, 'function response header too large'),
  FunctionResponse: e(502, 'error receiving function response'),
  FunctionFailed: e(502, 'function failed'),
  FunctionInvalidResponse: e(502, 'invalid function response'),
  FunctionPrematureWrite: e(502, 'function invoked write before receiving entire request'),
  FunctionWriteRequest: e(502, 'function closed pipe while receiving request'),
  RequestContentTooBig: e(413, 'Request content too large'),
  ContainerInitFail: e(
    502,
    'Container failed to initialize, please ensure you are using the latest fdk and check the logs',
  ),
  ContainerInitTimeout: e(
    504,
    'Container initialization timed out, please ensure you are using the latest fdk and check the logs',
  ),
  SyslogUnavailable: e(500, 'Syslog Unavailable'),
  ImageHasVolume: e(400, 'image has Volume definition'),
} as const;

export type ErrorName = keyof typeof catalogue;

/** The catalogue, each error carrying its name as its `code`. */
export const Errors = Object.fromEntries(
  Object.entries(catalogue).map(([name, err]) => [
    name,
    new ApiError(err.status, err.message, { ...err.headers }, name),
  ]),
) as { readonly [K in ErrorName]: ApiError };

/** True when `err` is the catalogue's error of that name (or a copy of it). */
export function isError(err: unknown, name: ErrorName): err is ApiError {
  return err instanceof ApiError && err.code === name;
}

/** Throws a fresh copy of a catalogue error. */
export function fail(name: ErrorName): never {
  throw Errors[name].copy();
}

export const errInvalidSyslog = (url: string, reason: string) =>
  new ApiError(400, `invalid syslog url: "${url}" ${reason}`, {}, 'InvalidSyslogUrl');

/** Fn v1 names the syslog url without a reason. */
export const errV1InvalidSyslog = (url: string) => new ApiError(400, `invalid syslog url: "${url}"`);

export const errPathNotFound = (method: string, path: string) =>
  new ApiError(404, `Path not found: ${method} ${path}`);

/** Fn's v1 router names only the path in its 404, unlike the v2 NoRoute answer. */
export const errV1PathNotFound = (path: string) => new ApiError(404, `Path not found: ${path}`);

export const errMethodNotAllowed = (method: string, path: string) =>
  new ApiError(405, `Method not allowed: ${method} ${path}`);

export const errRequestTooLarge = (size: number, max: number) =>
  new ApiError(413, `Content-Length too large for this server, ${size} > max ${max}`);

export const errImagePull = (image: string, message: string) =>
  new ApiError(502, `Failed to pull image '${image}': ${message}`);

/** Fn's answer when a legacy-format function process exits while it serves a call. */
export const errContainerExit = (code: number) => new ApiError(502, `container exit code ${code}`);

/** What Fn logs when the kernel kills a container for its memory limit. */
export const OUT_OF_MEMORY =
  'container out of memory, you may want to raise fn.memory for this function (default: 128MB)';
