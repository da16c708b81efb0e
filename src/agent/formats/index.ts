export { legacyEnv, specForRoute } from './route-spec.js';
export { CLOUDEVENT_TYPE } from './protocols.js';
export { ChunkedBodyHeader } from './call-request.js';
