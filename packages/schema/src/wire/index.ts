export * from './run-lifecycle.js';
