export { v1Plugins } from './v1-plugins.js';
export { routeResolver } from './v1-route-target.js';
export { v1Api, type V1ApiOptions } from './v1-api.js';
export { goDuration } from './v1-routes.js';
