export {
  type Config,
  type AgentConfig,
  type AsyncConfig,
  type TelemetryConfig,
  type EventsConfig,
  ConfigError,
  DEFAULT_MAX_REQUEST_HEADER_SIZE,
  loadConfig,
} from './config.js';
