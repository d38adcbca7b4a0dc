import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import type { HttpDeps } from '../http/deps.js';
import { registerAssistantRoutes } from './assistant-routes.js';
import type { AgentServerDeps } from './request.js';
import { registerRunRoutes } from './run-routes.js';
import { registerThreadRoutes } from './thread-routes.js';

export { workflowSchemas } from './assistant-routes.js';
export { finalValues, launchRun, waitForStop } from './launch.js';
export type { AgentServerDeps } from './request.js';

function hasAgentDeps(deps: HttpDeps): deps is AgentServerDeps {
  return deps.eventLog !== undefined && deps.threadRecords !== undefined;
}

/**
 * The LangGraph Agent Server HTTP API at the engine's root, so `new Client({ apiUrl })` from
 * `@langchain/langgraph-sdk` drives saved workflows. A thin adapter over the `/v1` services.
 */
export function registerAgentServer(app: Hono, deps: HttpDeps, info: { version: string }): void {
  app.get('/ok', (c) => c.json({ ok: true }, 200));
  app.get('/info', (c) =>
    c.json(
      {
        version: info.version,
        flowcraft: true,
        flags: { assistants: true, crons: false, langsmith: false, langsmith_tracing_replicas: false },
      },
      200,
    ),
  );
  if (!hasAgentDeps(deps)) return;
  registerAssistantRoutes(app, deps);
  registerThreadRoutes(app, deps);
  registerRunRoutes(app, deps);
}
