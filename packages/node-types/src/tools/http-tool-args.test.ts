import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { describe, expect, it } from 'vitest';
import { toLangChainTool } from './langchain-tool.js';
import { ToolSpec } from './tool-spec.js';

function spec(method?: string): ToolSpec {
  return ToolSpec.parse({
    kind: 'http',
    name: 'api',
    description: 'The API',
    baseUrl: 'http://127.0.0.1:9/api',
    ...(method ? { method } : {}),
  });
}

/** The tool's parameters exactly as a chat model is offered them. */
function offered(s: ToolSpec, fetch: Parameters<typeof toLangChainTool>[1]['fetch'] = async () => new Response('{}')) {
  const params = convertToOpenAITool(toLangChainTool(s, { fetch })).function.parameters;
  return params as { properties: Record<string, { description?: string }> };
}

describe('the HTTP tool offers the model the arguments its method takes', () => {
  it('a GET tool (the default method) has no body parameter', () => {
    expect(Object.keys(offered(spec()).properties).sort()).toEqual(['path', 'query']);
    expect(Object.keys(offered(spec('GET')).properties).sort()).toEqual(['path', 'query']);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('a %s tool has a body described for its method', (method) => {
    const props = offered(spec(method)).properties;
    expect(Object.keys(props).sort()).toEqual(['body', 'path', 'query']);
    expect(props.body?.description).toBe(`Request body (JSON) of the ${method} request`);
  });

  it('a body sent to a GET tool anyway is not sent with the request', async () => {
    const seen: Array<{ method?: string; body?: unknown }> = [];
    const t = toLangChainTool(spec(), {
      fetch: async (_url, init) => {
        seen.push({ method: init?.method, body: init?.body });
        return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
      },
    });
    const text = await t.invoke({ path: 'x', body: { a: 1 } });
    expect(JSON.parse(String(text))).toEqual({ status: 200, body: { ok: true } });
    expect(seen).toEqual([{ method: 'GET', body: undefined }]);
  });
});
