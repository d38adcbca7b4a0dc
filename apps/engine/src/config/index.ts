export { ConfigError, EngineEnv, LogLevel, LOOPBACK_HOSTS, isLoopback, loadConfig } from './config.js';
export type { EngineConfig, LoadConfigOptions } from './config.js';
export { baseUrl, redactDatabaseUrl, summarize } from './summary.js';
export type { ListenInfo } from './summary.js';
