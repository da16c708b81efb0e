export { buildServer, type ServerOptions, type ServerPlugin } from './build-server.js';
export { createErrorHandler, sendApiError, toApiError } from './error-handler.js';
export { acceptJsonBodies } from './json-bodies.js';
export { baseUrl } from './base-url.js';
export { controlPlane, type ControlPlaneOptions } from './control-plane.js';
/** TypeBox's schema builder (the one copy the server loads), for other modules' routes. */
export { Type } from '@sinclair/typebox';
export { healthRoutes, type ReadinessCheck } from './health-routes.js';
export { CallAccepted, CallList, CallLog } from './schemas/call-schemas.js';
export { errorResponses } from './schemas/common-schemas.js';
export { AnnotationsSchema, ConfigSchema, Nullable } from './schemas/common-schemas.js';
export { asGoDecodes, decodable } from './json-bodies.js';
export { v1Errors } from './schemas/v1-error-schemas.js';
export { isV1Path, sendErrorFor, sendV1Error, useV1Errors, useV1NotFound } from './v1-errors.js';
