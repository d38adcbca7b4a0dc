import type { Permission, Role } from '@flowcraft/schema';
import { roleCan } from '@flowcraft/schema';

/**
 * What an operation needs: a permission (held by roles, see `ROLE_PERMISSIONS` in `@flowcraft/schema`),
 * `public` (no credentials), `authenticated` (any signed-in caller) or `admin` (the admin role only).
 */
export type Access = Permission | 'public' | 'authenticated' | 'admin';

/** Which rate limit an operation counts against (writes default to `write`). */
export type LimitClass = 'write' | 'runStart' | 'login' | 'none';

export interface OperationRule {
  access: Access;
  /** Audit action recorded after a successful response (ids from the path and response, never bodies). */
  audit?: string;
  limit?: LimitClass;
}

const read = (access: Access): OperationRule => ({ access });
const write = (access: Access, audit?: string, limit?: LimitClass): OperationRule => ({
  access,
  ...(audit ? { audit } : {}),
  ...(limit ? { limit } : {}),
});

/**
 * THE permission table: every HTTP operation (`METHOD /path/{param}`, OpenAPI path syntax; a trailing
 * `*` matches the rest of the path). A request that matches no entry needs the admin role (fail
 * closed), so a new route must be added here — one line — to be reachable by other roles.
 * `permissions.test.ts` checks every operation of the OpenAPI document is listed.
 */
export const OPERATIONS: Readonly<Record<string, OperationRule>> = {
  // system
  'GET /v1/health': read('public'),
  'GET /v1/queue': read('runs:read'),
  'GET /v1/ready': read('public'),
  'GET /v1/openapi.json': read('public'),
  'GET /v1/docs': read('public'),
  'GET /v1/docs/assets/{file}': read('public'),
  'GET /metrics': read('metrics:read'),
  'GET /v1/node-types': read('workflows:read'),
  'GET /v1/templates': read('workflows:read'),
  'GET /v1/models': read('workflows:read'),
  'GET /v1/mcp/servers': read('workflows:read'),
  'GET /v1/mcp/tools': read('workflows:read'),
  'GET /v1/usage': read('runs:read'),
  // the built editor (outside /v1)
  'GET /': read('public'),
  'GET /index.html': read('public'),
  'GET /assets/*': read('public'),
  'GET /{file}.{ext}': read('public'),
  // auth, users, keys, audit
  'GET /v1/auth/status': read('public'),
  'POST /v1/auth/login': write('public', undefined, 'login'),
  'POST /v1/auth/setup': write('public', 'setup.completed', 'login'),
  'POST /v1/auth/logout': write('authenticated', 'logout', 'none'),
  'GET /v1/auth/me': read('authenticated'),
  'POST /v1/auth/password': write('authenticated', 'password.changed', 'login'),
  'GET /v1/users': read('users:manage'),
  'POST /v1/users': write('users:manage', 'user.created'),
  'GET /v1/users/{userId}': read('users:manage'),
  'PATCH /v1/users/{userId}': write('users:manage', 'user.updated'),
  'DELETE /v1/users/{userId}': write('users:manage', 'user.deleted'),
  'GET /v1/api-keys': read('authenticated'),
  'POST /v1/api-keys': write('authenticated', 'apikey.created'),
  'DELETE /v1/api-keys/{keyId}': write('authenticated', 'apikey.revoked'),
  'GET /v1/audit': read('audit:read'),
  // secrets
  'GET /v1/secrets': read('secrets:manage'),
  'PUT /v1/secrets/{name}': write('secrets:manage', 'secret.set'),
  'DELETE /v1/secrets/{name}': write('secrets:manage', 'secret.deleted'),
  // workflows
  'GET /v1/workflows': read('workflows:read'),
  'POST /v1/workflows': write('workflows:write', 'workflow.created'),
  'POST /v1/workflows/validate': write('workflows:read', undefined, 'none'),
  'POST /v1/workflows/import': write('workflows:write', 'workflow.imported'),
  'GET /v1/workflows/{workflowId}': read('workflows:read'),
  'PUT /v1/workflows/{workflowId}': write('workflows:write', 'workflow.saved'),
  'DELETE /v1/workflows/{workflowId}': write('workflows:write', 'workflow.deleted'),
  'GET /v1/workflows/{workflowId}/export': read('workflows:read'),
  'GET /v1/workflows/{workflowId}/versions': read('workflows:read'),
  'GET /v1/workflows/{workflowId}/versions/{version}': read('workflows:read'),
  // runs
  'POST /v1/runs': write('runs:start', 'run.started', 'runStart'),
  'GET /v1/runs': read('runs:read'),
  'GET /v1/runs/{runId}': read('runs:read'),
  'POST /v1/runs/{runId}/cancel': write('runs:start', 'run.cancelled'),
  'POST /v1/runs/{runId}/resume': write('runs:answer', 'run.resumed'),
  'GET /v1/runs/{runId}/events': read('runs:read'),
  'GET /v1/runs/{runId}/compare/{otherRunId}': read('runs:read'),
  // debugging and time travel
  'POST /v1/runs/{runId}/step': write('debug', 'run.stepped'),
  'POST /v1/runs/{runId}/continue': write('debug', 'run.continued'),
  'GET /v1/threads/{threadId}/state': read('runs:read'),
  'POST /v1/threads/{threadId}/state': write('debug', 'state.edited'),
  'GET /v1/threads/{threadId}/history': read('runs:read'),
  'GET /v1/threads/{threadId}/state/{checkpointId}': read('runs:read'),
  'GET /v1/threads/{threadId}/state/{checkpointId}/diff': read('runs:read'),
  'POST /v1/threads/{threadId}/rerun': write('debug', 'run.rerun', 'runStart'),
  // long-term memory (inspect: read; erase: a write the audit log records) and knowledge bases
  'GET /v1/memory/namespaces': read('runs:read'),
  'GET /v1/memory/items': read('runs:read'),
  'GET /v1/memory/item': read('runs:read'),
  'DELETE /v1/memory/items': write('workflows:write', 'memory.erased'),
  'DELETE /v1/memory/item': write('workflows:write', 'memory.erased'),
  'GET /v1/knowledge': read('workflows:read'),
  'GET /v1/knowledge/{kbId}': read('workflows:read'),
  'GET /v1/knowledge/{kbId}/documents/{docId}': read('workflows:read'),
  'POST /v1/knowledge/{kbId}/query': read('runs:start'),
  'POST /v1/knowledge': write('workflows:write', 'knowledge.created'),
  'DELETE /v1/knowledge/{kbId}': write('workflows:write', 'knowledge.deleted'),
  'POST /v1/knowledge/{kbId}/documents': write('workflows:write', 'knowledge.document_added'),
  'DELETE /v1/knowledge/{kbId}/documents/{docId}': write('workflows:write', 'knowledge.document_deleted'),
  'POST /v1/knowledge/{kbId}/reindex': write('workflows:write', 'knowledge.reindexed'),
  // evaluations: datasets and cases are workflow content; experiments start runs
  'GET /v1/datasets': read('workflows:read'),
  'GET /v1/datasets/{datasetId}': read('workflows:read'),
  'GET /v1/datasets/{datasetId}/cases': read('workflows:read'),
  'GET /v1/datasets/{datasetId}/cases/{caseId}': read('workflows:read'),
  'GET /v1/datasets/{datasetId}/export': read('workflows:read'),
  'POST /v1/datasets': write('workflows:write', 'dataset.created'),
  'PUT /v1/datasets/{datasetId}': write('workflows:write', 'dataset.saved'),
  'DELETE /v1/datasets/{datasetId}': write('workflows:write', 'dataset.deleted'),
  'POST /v1/datasets/{datasetId}/cases': write('workflows:write', 'case.created'),
  'POST /v1/datasets/{datasetId}/cases/from-run': write('workflows:write', 'case.created'),
  'POST /v1/datasets/{datasetId}/import': write('workflows:write', 'dataset.imported'),
  'PUT /v1/datasets/{datasetId}/cases/{caseId}': write('workflows:write', 'case.saved'),
  'DELETE /v1/datasets/{datasetId}/cases/{caseId}': write('workflows:write', 'case.deleted'),
  'GET /v1/evaluations': read('runs:read'),
  'GET /v1/evaluations/compare': read('runs:read'),
  'GET /v1/evaluations/{experimentId}': read('runs:read'),
  'POST /v1/evaluations': write('runs:start', 'evaluation.started', 'runStart'),
  'POST /v1/evaluations/{experimentId}/cases/{caseId}/rerun': write('runs:start', 'evaluation.case_rerun', 'runStart'),
  // The LangGraph Agent Server API at the root (agent-server/) and the MCP server (mcp-server/).
  'GET /ok': read('public'),
  'GET /info': read('public'),
  'POST /assistants/search': read('workflows:read'),
  'POST /assistants/count': read('workflows:read'),
  'GET /assistants/*': read('workflows:read'),
  'POST /threads': write('runs:start'),
  'POST /threads/search': read('runs:read'),
  'POST /threads/count': read('runs:read'),
  'GET /threads/*': read('runs:read'),
  'PATCH /threads/*': write('runs:start'),
  'POST /threads/{threadId}/history': read('runs:read'),
  'POST /threads/{threadId}/state/checkpoint': read('runs:read'),
  'POST /threads/{threadId}/state': write('debug', 'state.edited'),
  'POST /threads/*': write('runs:start', 'run.started', 'runStart'),
  'POST /runs': write('runs:start', 'run.started', 'runStart'),
  'POST /runs/*': write('runs:start', 'run.started', 'runStart'),
  'POST /mcp': write('runs:start', undefined, 'runStart'),
  'GET /mcp': read('runs:read'),
  'DELETE /mcp': read('runs:read'),
};

/** Socket.IO client events and what they need (unknown events: admin only). */
export const SOCKET_EVENTS: Readonly<Record<string, Access>> = {
  subscribe: 'runs:read',
  unsubscribe: 'authenticated',
  watchThread: 'runs:read',
  unwatchThread: 'authenticated',
  watchExperiment: 'runs:read',
  unwatchExperiment: 'authenticated',
};

/** What a request that matches no entry needs. */
export const UNLISTED: OperationRule = { access: 'admin' };

export interface MatchedOperation {
  /** The table key, e.g. `PUT /v1/workflows/{workflowId}`; `undefined` for an unlisted request. */
  key: string | undefined;
  /** The path pattern (metrics label), `unlisted` when none matched. */
  route: string;
  rule: OperationRule;
  params: Record<string, string>;
}

interface Compiled {
  key: string;
  method: string;
  route: string;
  regex: RegExp;
  names: string[];
  rule: OperationRule;
  literal: number;
}

function compile(key: string, rule: OperationRule): Compiled {
  const [method = '', route = ''] = key.split(' ');
  const names: string[] = [];
  let source = '';
  let literal = 0;
  for (const part of route.split(/(\{[A-Za-z0-9_]+\}|\*$)/)) {
    if (part === '') continue;
    const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
    if (param?.[1]) {
      names.push(param[1]);
      source += '([^/]+?)';
    } else if (part === '*') source += '(?:.*)';
    else {
      literal += part.length;
      source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return { key, method, route, regex: new RegExp(`^${source}$`), names, rule, literal };
}

/** Builds a matcher over a table (the default one, or one with more routes in tests). */
export function operationMatcher(table: Readonly<Record<string, OperationRule>> = OPERATIONS) {
  // Most literal characters first: `/v1/workflows/import` before `/v1/workflows/{workflowId}`.
  const compiled = Object.entries(table)
    .map(([key, rule]) => compile(key, rule))
    .sort((a, b) => b.literal - a.literal);
  return (method: string, path: string): MatchedOperation => {
    const m = method === 'HEAD' ? 'GET' : method;
    for (const entry of compiled) {
      if (entry.method !== m) continue;
      const hit = entry.regex.exec(path);
      if (!hit) continue;
      const params: Record<string, string> = {};
      entry.names.forEach((name, i) => {
        const value = hit[i + 1];
        if (value !== undefined) params[name] = safeDecode(value);
      });
      return { key: entry.key, route: entry.route, rule: entry.rule, params };
    }
    return { key: undefined, route: 'unlisted', rule: UNLISTED, params: {} };
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export const matchOperation = operationMatcher();

/** Whether a role may do what an access level needs (`public` and `authenticated` need a caller, checked before). */
export function roleAllows(role: Role, access: Access): boolean {
  if (access === 'public' || access === 'authenticated') return true;
  if (access === 'admin') return role === 'admin';
  return roleCan(role, access);
}
