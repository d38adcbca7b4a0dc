export * from './assertion.js';
export * from './evaluator-result.js';
export * from './test-case.js';
export * from './dataset.js';
export * from './experiment.js';
export * from './compare.js';
export * from './jsonl.js';
