export type { AgentConfig, AsyncConfig, Config, EventsConfig, TelemetryConfig } from './config-types.js';
export { ConfigError, DEFAULT_MAX_REQUEST_HEADER_SIZE, loadConfig } from './config.js';
