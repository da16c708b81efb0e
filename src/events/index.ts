export type { EventMessage, EventSource, SourceContext, SourceStatus } from './event-source.js';
export { CronSource } from './cron-source.js';
export { TriggerSources, type TriggerSourcesOptions, type EventTotals } from './trigger-sources.js';
export { triggerStatusRoutes } from './status-routes.js';
export { eventSourcesCheck } from './readiness.js';
