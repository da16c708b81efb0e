export { buildServer, type ServerOptions, type ServerPlugin } from './build-server.js';
export { createErrorHandler, sendApiError, toApiError } from './error-handler.js';
export { acceptJsonBodies } from './json-bodies.js';
export { baseUrl } from './base-url.js';
export { controlPlane, type ControlPlaneOptions } from './control-plane.js';
/** TypeBox's schema builder (the one copy the server loads), for other modules' routes. */
export { Type } from '@sinclair/typebox';
export { healthRoutes, type ReadinessCheck } from './health-routes.js';
