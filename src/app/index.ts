export { startFnode, type Fnode, type StartOptions } from './start.js';
export { version } from './version.js';
