export { v1Api, type V1ApiOptions } from './v1-api.js';
export { isV1Path, sendErrorFor, sendV1Error, useV1Errors, useV1NotFound } from './v1-errors.js';
export { type V1Route, toV1Route } from './v1-service.js';
