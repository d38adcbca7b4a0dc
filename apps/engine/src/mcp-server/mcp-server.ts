import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { FlowError, isRecord } from '@flowcraft/schema';
import type { TraceEvent, WorkflowSummary } from '@flowcraft/schema';
import { waitForStop, workflowSchemas } from '../agent-server/index.js';
import type { AgentServerDeps } from '../agent-server/index.js';
import { followRun } from '../realtime/follow-run.js';

const MAX_TOOLS = 1000;

async function validWorkflows(deps: AgentServerDeps): Promise<WorkflowSummary[]> {
  const out: WorkflowSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.workflows.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items.filter((w) => w.valid));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && out.length < MAX_TOOLS);
  return out;
}

const text = (value: string): CallToolResult['content'][number] => ({ type: 'text', text: value });

/**
 * One MCP server over the engine's services: every valid saved workflow is a tool named by its id,
 * its input schema from the start node, its result the end node's output. Long runs report
 * progress (one notification per finished node) when the client sends a progress token; a run that
 * stops at a human interrupt comes back as a result naming the run and thread to resume.
 */
export function createMcpServer(deps: AgentServerDeps): Server {
  const server = new Server(
    { name: 'flowcraft', version: '0.1.0' },
    { capabilities: { tools: { listChanged: false } } },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools: Tool[] = [];
    for (const summary of await validWorkflows(deps)) {
      const workflow = await deps.workflows.get(summary.id);
      if (workflow === undefined) continue;
      const schemas = workflowSchemas(workflow.document);
      tools.push({
        name: summary.id,
        title: summary.name,
        description: summary.description === '' ? `Run the workflow "${summary.name}".` : summary.description,
        inputSchema: { ...schemas.input, type: 'object' },
        outputSchema: { ...schemas.output, type: 'object' },
      });
    }
    return { tools };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const workflowId = request.params.name;
    const input = isRecord(request.params.arguments) ? request.params.arguments : {};
    let handle: { runId: string; threadId: string };
    try {
      handle = await deps.runs.start({ workflowId, input });
    } catch (err) {
      if (err instanceof FlowError) return { isError: true, content: [text(`${err.code}: ${err.message}`)] };
      throw err;
    }
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    let last: TraceEvent | undefined;
    if (progressToken !== undefined) {
      for await (const event of followRun({
        log: deps.eventLog,
        runId: handle.runId,
        afterSeq: 0,
        continuesAfter: async () => false,
        signal: extra.signal,
      })) {
        last = event;
        if (event.type !== 'node.finished') continue;
        progress += 1;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress, message: `${event.nodeId} finished` },
        });
      }
    } else last = await waitForStop(deps, handle.runId, 0, extra.signal);
    const run = await deps.runs.get(handle.runId);
    if (run === undefined || last === undefined) return { isError: true, content: [text('The run was lost.')] };
    if (run.status === 'completed') {
      const output = run.output ?? {};
      return { content: [text(JSON.stringify(output))], structuredContent: output };
    }
    if (run.status === 'interrupted')
      return {
        content: [
          text(
            `The run ${run.id} (thread ${run.threadId}) is waiting for a human answer: ${JSON.stringify(
              run.interrupts.map((i) => ({ id: i.id, node: i.nodeId, question: i.value })),
            )}. Answer it in the editor, with POST /v1/runs/${run.id}/resume {"value": …}, or with a LangGraph client ` +
              `(runs.wait on thread ${run.threadId} with command.resume).`,
          ),
        ],
        structuredContent: { status: 'interrupted', runId: run.id, threadId: run.threadId, interrupts: run.interrupts },
      };
    return {
      isError: true,
      content: [
        text(`The run ${run.id} ${run.status}${run.error ? `: ${run.error.code}: ${run.error.message}` : ''}.`),
      ],
    };
  });
  return server;
}
