export { createHttpApp, DEFAULT_BODY_LIMIT_BYTES } from './app.js';
export type {
  HttpDeps,
  HttpOptions,
  Logger,
  NewWorkflow,
  NewWorkflowVersion,
  NodeTypeSource,
  RunService,
  ThreadService,
  WorkflowStore,
} from './deps.js';
export {
  RequestValidationError,
  mapError,
  problem,
  problemResponse,
  PROBLEM_CONTENT_TYPE,
} from './problem-response.js';
export { apiKeyMatches, bearerToken } from './auth/api-key.js';
export * from './schemas/common.js';
export * from './schemas/problem.js';
export * from './schemas/run.js';
export * from './schemas/thread.js';
export * from './schemas/workflow.js';
