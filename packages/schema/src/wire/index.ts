export * from './common.js';
export * from './run-lifecycle.js';
export * from './run.js';
export * from './thread.js';
export * from './workflow-record.js';
export * from './knowledge.js';
export * from './memory.js';
