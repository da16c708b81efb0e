export type { DockerContainer } from './docker-container.js';
export { DockerDriver, type DockerDriverOptions } from './docker-driver.js';
export type { DriverLogger } from './logger.js';
