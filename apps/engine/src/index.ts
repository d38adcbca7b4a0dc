export { compile, ERROR_CHANNEL } from './compile/compile.js';
export type { Compiled, CompileOptions } from './compile/compile.js';
export { executeRun } from './execution/execute.js';
export type { ExecuteOptions, RunOutcome } from './execution/execute.js';
export { createRunServices } from './execution/services.js';
export type { RunServices } from './execution/services.js';
export { createModelFactory } from './models/model-factory.js';
export { main as cli } from './cli/main.js';
