export { createLogStore } from './create-log-store.js';
export { datastoreLogStore, type LogStore, withLogStore } from './log-store.js';
