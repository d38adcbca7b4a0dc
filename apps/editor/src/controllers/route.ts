/** Hash routes (they work with relative asset paths wherever the app is served). */
export type Route =
  | { page: 'list' }
  | { page: 'editor'; workflowId: string; version: number | undefined }
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
  return `#/w/${encodeURIComponent(route.workflowId)}${route.version !== undefined ? `/v/${route.version}` : ''}`;
}
