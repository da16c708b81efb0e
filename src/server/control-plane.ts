import type { FastifyPluginAsync } from 'fastify';
import { AppsService, FnsService, TriggersService } from '../api/index.js';
import type { Datastore } from '../datastore/index.js';
import { appsRoutes } from './apps-routes.js';
import { fnsRoutes } from './fns-routes.js';
import { acceptJsonBodies } from './json-bodies.js';
import { triggersRoutes } from './triggers-routes.js';

export interface ControlPlaneOptions {
  datastore: Datastore;
  /** FN_PUBLIC_LB_URL without a trailing slash; else annotations use the request's Host. */
  publicUrl: string | undefined;
}

/** `/v2/apps`, `/v2/fns`, `/v2/triggers`, in one scope that reads every body as JSON. */
export const controlPlane: FastifyPluginAsync<ControlPlaneOptions> = async (
  app,
  { datastore, publicUrl },
) => {
  acceptJsonBodies(app);
  await app.register(appsRoutes, { apps: new AppsService(datastore) });
  await app.register(fnsRoutes, { fns: new FnsService(datastore), publicUrl });
  await app.register(triggersRoutes, { triggers: new TriggersService(datastore), publicUrl });
};
