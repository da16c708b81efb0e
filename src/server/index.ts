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
export { v1Errors as v1ErrorResponses } from './schemas/v1-schemas.js';
export {
  isV1Path,
  sendErrorFor,
  sendV1Error,
  toV1Route,
  useV1Errors,
  useV1NotFound,
  type V1ApiOptions,
  type V1Route,
  v1Api,
} from './v1/index.js';
