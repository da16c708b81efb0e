export { AppsService } from './apps-service.js';
export { FnsService } from './fns-service.js';
export { TriggersService } from './triggers-service.js';
export { annotateFn, annotateTrigger } from './annotate.js';
export type {
  AppBody,
  FnBody,
  TriggerBody,
  ListQuery,
  FnListQuery,
  TriggerListQuery,
  ListResponse,
  ConfigChange,
} from './bodies.js';
