export {
  type Config,
  type AgentConfig,
  type AsyncConfig,
  type TelemetryConfig,
  ConfigError,
  loadConfig,
} from './config.js';
