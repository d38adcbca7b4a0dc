/** Hash routes (they work with relative asset paths wherever the app is served). */
export type Route =
  | { page: 'list' }
  | { page: 'editor'; workflowId: string; version: number | undefined; runId?: string }
  /** The workflow's datasets, experiments and comparisons. */
  | { page: 'evals'; workflowId: string }
  /** A stored document the canvas cannot show, opened as JSON to repair. */
  | { page: 'recover'; workflowId: string }
  /** The signed-in user's password and API keys; users and the audit log for admins. */
  | { page: 'account' }
  /** Knowledge bases: the list, or one base (documents and a query box). */
  | { page: 'knowledge'; knowledgeBaseId: string | undefined };

export function parseRoute(hash: string): Route {
  if (/^#\/account\b/.test(hash)) return { page: 'account' };
  const k = /^#\/knowledge(?:\/([^/?]+))?/.exec(hash);
  if (k) return { page: 'knowledge', knowledgeBaseId: k[1] ? decodeURIComponent(k[1]) : undefined };
  const r = /^#\/w\/([^/?]+)\/recover/.exec(hash);
  if (r?.[1]) return { page: 'recover', workflowId: decodeURIComponent(r[1]) };
  const e = /^#\/w\/([^/?]+)\/evals/.exec(hash);
  if (e?.[1]) return { page: 'evals', workflowId: decodeURIComponent(e[1]) };
  // A run opened in the debugger, on the version it ran: `#/w/<id>[/v/<n>]/run/<runId>`.
  const run = /^#\/w\/([^/?]+)(?:\/v\/(\d+))?\/run\/([^/?]+)/.exec(hash);
  if (run?.[1] && run[3])
    return {
      page: 'editor',
      workflowId: decodeURIComponent(run[1]),
      version: run[2] ? Number(run[2]) : undefined,
      runId: decodeURIComponent(run[3]),
    };
  const m = /^#\/w\/([^/?]+)(?:\/v\/(\d+))?/.exec(hash);
  if (m?.[1]) return { page: 'editor', workflowId: decodeURIComponent(m[1]), version: m[2] ? Number(m[2]) : undefined };
  return { page: 'list' };
}

export function routeHash(route: Route): string {
  if (route.page === 'list') return '#/';
  if (route.page === 'account') return '#/account';
  if (route.page === 'knowledge')
    return route.knowledgeBaseId === undefined
      ? '#/knowledge'
      : `#/knowledge/${encodeURIComponent(route.knowledgeBaseId)}`;
  if (route.page === 'recover') return `#/w/${encodeURIComponent(route.workflowId)}/recover`;
  if (route.page === 'evals') return `#/w/${encodeURIComponent(route.workflowId)}/evals`;
  const base = `#/w/${encodeURIComponent(route.workflowId)}${route.version !== undefined ? `/v/${route.version}` : ''}`;
  return route.runId ? `${base}/run/${encodeURIComponent(route.runId)}` : base;
}
