export { ApiError, ContainerStartError, isApiError } from './api-error.js';
export {
  Errors,
  type ErrorName,
  fail,
  isError,
  errInvalidSyslog,
  errV1InvalidSyslog,
  errPathNotFound,
  errV1PathNotFound,
  errMethodNotAllowed,
  errRequestTooLarge,
  errImagePull,
  errContainerExit,
  OUT_OF_MEMORY,
} from './errors.js';
export * as Limits from './limits.js';
export { IdGenerator, newId, isValidId, idFloorAt, useIdPort } from './id.js';
export {
  checkTextSize,
  cutToBytes,
  hasControlCharacter,
  hasNul,
  jsonHasNul,
  wellFormedJson,
} from './text.js';
export { formatTime, formatTimeSeconds, now, ZERO_TIME } from './time.js';
export {
  type Annotations,
  type Config,
  validateAnnotations,
  mergeAnnotations,
  mergeConfig,
  jsonEqual,
} from './annotations.js';
export {
  type App,
  type AppPatch,
  AppShapes,
  validateApp,
  validateAppName,
  validateSyslogUrl,
  updateApp,
  isValidResourceName,
} from './app.js';
export {
  type Fn,
  type FnPatch,
  FnInvokeEndpointAnnotation,
  fnWithDefaults,
  validateFn,
  validateFnName,
  updateFn,
} from './fn.js';
export {
  EventAnnotations,
  EventTriggerTypes,
  type EventTriggerType,
  cronSchedule,
  cronTimeZone,
  errInvalidTriggerAnnotation,
  errInvalidTriggerSource,
  isEventTriggerType,
  mqttQos,
  stringAnnotation,
} from './event-triggers.js';
export {
  type Trigger,
  type TriggerPatch,
  TriggerHTTPEndpointAnnotation,
  TriggerTypes,
  validateTrigger,
  updateTrigger,
} from './trigger.js';
export {
  type Route,
  RouteTypes,
  RouteFormats,
  cleanRoutePath,
  routeWithDefaults,
  validateRoute,
  validateRoutePath,
  parseMilliCPUs,
} from './route.js';
export {
  type Call,
  type CallStatus,
  type CallReason,
  type StatsPoint,
  CallStatuses,
  FinalCallStatuses,
  isFinalStatus,
  callError,
  isSecretHeader,
  withoutSecretHeaders,
  publicCall,
} from './call.js';
export { clampPerPage, encodeCursor, decodeCursor } from './pagination.js';
export {
  FnodeAnnotations,
  type FnodeAnnotationName,
  fnodeAnnotation,
  validateFnodeAnnotations,
  PublicAnnotation,
  isPublic,
  validatePublicAnnotation,
} from './fnode-annotations.js';
export {
  CallRetentionAnnotation,
  effectiveRetentionSecs,
  parseRetentionSecs,
  validateCallRetention,
} from './call-retention.js';
export {
  type Token,
  type TokenScope,
  type NewTokenDocument,
  type NewTokenRequest,
  TokenScopes,
  validateNewToken,
  isExpired,
} from './token.js';
