export { CallRecorder, type CallRecorderOptions } from './call-recorder.js';
export { type AsyncHeaders, parseAsyncHeaders } from './async-headers.js';
export { InvokeService, type InvokeServiceOptions, type InvokeRequest } from './invoke-service.js';
export { invokeRoutes, type InvokeRoutesOptions } from './invoke-routes.js';
export { LookupCache, invalidatingDatastore } from './lookup-cache.js';
export { routeAnyMethod } from './any-method.js';
export {
  type HeaderMap,
  triggerRequestHeaders,
  triggerResponse,
  writableHeaders,
} from './headers.js';
export { newSyncCall, type RecordedRunOptions, runRecorded } from './recorded-run.js';
export { WarmPools, type WarmPoolsOptions } from './warm-pools.js';
