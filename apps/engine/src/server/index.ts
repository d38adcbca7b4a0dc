export { startServer } from './start-server.js';
export type { RunningServer, StartServerOptions } from './start-server.js';
export { stopOnSignals } from './shutdown-signals.js';
export { createLogger } from './logger.js';
