import type { Context } from 'hono';
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import { isRecord } from '@flowcraft/schema';
import type { Workflow, WorkflowSummary } from '@flowcraft/schema';
import { toAssistant } from './mappers.js';
import type { AgentServerDeps } from './request.js';
import { body, notFound, unsupported } from './request.js';
import { AssistantSearchBody } from './wire.js';

const CHANNEL_SCHEMA: Record<string, Record<string, unknown>> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  json: {},
  list: { type: 'array' },
  messages: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, content: {} } } },
};

const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);

/** JSON Schemas of a workflow's input (start node), output (end node) and state (all channels). */
export function workflowSchemas(document: Record<string, unknown>) {
  const state = isRecord(document['state']) ? document['state'] : {};
  const channelSchema = (name: string): Record<string, unknown> => {
    const channel = state[name];
    const type = isRecord(channel) && typeof channel['type'] === 'string' ? channel['type'] : 'json';
    const description =
      isRecord(channel) && typeof channel['description'] === 'string' ? channel['description'] : undefined;
    return { ...(CHANNEL_SCHEMA[type] ?? {}), ...(description ? { description } : {}) };
  };
  const nodes = records(document['nodes']);
  const configOf = (type: string) => {
    const node = nodes.find((n) => n['type'] === type);
    return node && isRecord(node['config']) ? node['config'] : {};
  };
  const inputs = records(configOf('start')['inputs']);
  const outputs = configOf('end')['outputs'];
  const object = (names: string[], required: string[] = []) => ({
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, channelSchema(n)])),
    ...(required.length > 0 ? { required } : {}),
  });
  return {
    input: object(
      inputs.flatMap((i) => (typeof i['channel'] === 'string' ? [i['channel']] : [])),
      inputs.flatMap((i) => (typeof i['channel'] === 'string' && i['required'] === true ? [i['channel']] : [])),
    ),
    output: object(Array.isArray(outputs) ? outputs.filter((o): o is string => typeof o === 'string') : []),
    state: object(Object.keys(state).filter((n) => !n.startsWith('__'))),
  };
}

/** Assistants = saved workflows (`assistant_id` = `graph_id` = the workflow id). */
export function registerAssistantRoutes(app: Hono, deps: AgentServerDeps): void {
  const all = async (): Promise<WorkflowSummary[]> => {
    const out: WorkflowSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.workflows.list({ limit: 100, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && out.length < 10_000);
    return out;
  };
  const matching = async (c: Context) => {
    const req = await body(c, AssistantSearchBody);
    const list = (await all()).filter(
      (w) =>
        (req.graph_id === undefined || w.id === req.graph_id) &&
        (req.name === undefined || w.name.toLowerCase().includes(req.name.toLowerCase())),
    );
    const wanted = Object.entries(req.metadata ?? {});
    const metadataMatches = (w: WorkflowSummary) => {
      const have: Record<string, unknown> = toAssistant(w).metadata;
      return wanted.every(([k, v]) => JSON.stringify(have[k]) === JSON.stringify(v));
    };
    return { req, list: list.filter(metadataMatches) };
  };
  const workflowOf = async (c: Context): Promise<Workflow> => {
    const id = c.req.param('assistantId') ?? '';
    const workflow = await deps.workflows.get(id);
    if (workflow === undefined) notFound(`Assistant "${id}" does not exist (assistants are saved workflows).`);
    return workflow;
  };

  app.post('/assistants/search', async (c) => {
    const { req, list } = await matching(c);
    const offset = req.offset ?? 0;
    const page = list.slice(offset, offset + (req.limit ?? 10));
    if (offset + page.length < list.length) c.header('X-Pagination-Next', String(offset + page.length));
    return c.json(page.map(toAssistant), 200);
  });
  app.post('/assistants/count', async (c) => c.json((await matching(c)).list.length, 200));
  app.post('/assistants', () => unsupported('Creating assistants (save a workflow instead)'));
  app.get('/assistants/:assistantId', async (c) => c.json(toAssistant(await workflowOf(c)), 200));

  app.get('/assistants/:assistantId/graph', async (c) => {
    const { document } = await workflowOf(c);
    return c.json(
      {
        nodes: records(document['nodes']).map((n) => ({
          id: n['id'],
          type: 'runnable',
          data: { id: ['flowcraft', String(n['type'])], name: typeof n['label'] === 'string' ? n['label'] : n['id'] },
          metadata: { type: n['type'] },
        })),
        edges: records(document['edges']).map((e) => ({
          source: e['source'],
          target: e['target'],
          ...(typeof e['sourceHandle'] === 'string' ? { conditional: true, data: e['sourceHandle'] } : {}),
        })),
      },
      200,
    );
  });

  app.get('/assistants/:assistantId/schemas', async (c) => {
    const workflow = await workflowOf(c);
    const s = workflowSchemas(workflow.document);
    return c.json(
      {
        graph_id: workflow.id,
        input_schema: s.input,
        output_schema: s.output,
        state_schema: s.state,
        config_schema: null,
        context_schema: null,
      },
      200,
    );
  });

  app.get('/assistants/:assistantId/subgraphs', async (c) => {
    await workflowOf(c);
    return c.json({}, 200);
  });
}
