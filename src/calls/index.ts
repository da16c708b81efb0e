export { asyncRoutes } from './async-routes.js';
export { callsRoutes } from './calls-routes.js';
export { statsRoutes } from './stats-routes.js';
