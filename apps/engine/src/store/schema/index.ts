export * from './workflows.js';
export * from './threads.js';
export * from './runs.js';
export * from './run-events.js';
export * from './checkpoints.js';
export * from './secrets.js';
export * from './evaluations.js';
