export { compile, ERROR_CHANNEL } from './compile/compile.js';
export type { Compiled, CompileOptions } from './compile/compile.js';
export { executeRun } from './run/execute.js';
export type { ExecuteOptions, RunOutcome } from './run/execute.js';
export { createRunServices } from './run/services.js';
export type { RunServices } from './run/services.js';
export { createModelFactory } from './models/model-factory.js';
export { main as cli } from './cli/main.js';
