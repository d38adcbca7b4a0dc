export * from './sdk/define-node-type.js';
export * from './sdk/registry.js';
export * from './sdk/node-runtime.js';
export * from './sdk/services.js';
export * from './sdk/sleep.js';
export * from './sdk/template.js';
export * from './builtins/index.js';
export { normalizeAnswer } from './builtins/human.js';
