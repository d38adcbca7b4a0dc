import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import { MemoryRunPorts } from '../lifecycle/memory-ports.js';
import { RunService } from '../lifecycle/run-service.js';
import { InMemorySpanExporter, TraceSpans } from './trace-spans.js';

describe('spans per run, node and model call from the trace', () => {
  it('exports a run span with node spans and model-call spans as children, with GenAI attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const spans = new TraceSpans(exporter);
    const ports = new MemoryRunPorts();
    const service = new RunService(ports, createBuiltinRegistry(), {
      env: {},
      publish: (e: TraceEvent) => spans.onEvent(e),
    });
    ports.addWorkflow({
      id: 'spans',
      name: 'Spans',
      state: { topic: { type: 'string' }, a: { type: 'string' } },
      nodes: [
        { id: 'start', type: 'start', config: { inputs: [{ channel: 'topic' }] } },
        { id: 'ask', type: 'llm', config: { model: 'scripted:m', prompt: '{{ state.topic }}', output: 'a' } },
        { id: 'end', type: 'end', config: { outputs: ['a'] } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'ask' },
        { id: 'e2', source: 'ask', target: 'end' },
      ],
      script: { default: { content: 'hi', usage: { input: 7, output: 3 } } },
    });
    const { runId } = await service.start({ workflowId: 'spans', input: { topic: 't' } });
    await service.settled(runId);

    const all = exporter.spans;
    const run = all.find((s) => s.kind === 'run');
    expect(run).toMatchObject({
      name: 'flowcraft.run',
      status: 'ok',
      attributes: { 'flowcraft.run_id': runId, 'flowcraft.workflow_id': 'spans', 'flowcraft.status': 'completed' },
    });
    expect(run?.traceId).toMatch(/^[0-9a-f]{32}$/);
    const nodes = all.filter((s) => s.kind === 'node');
    expect(nodes.map((s) => s.attributes['flowcraft.node_id'])).toEqual(['start', 'ask', 'end']);
    for (const n of nodes) expect(n).toMatchObject({ traceId: run?.traceId, parentSpanId: run?.spanId });
    const ask = nodes.find((s) => s.attributes['flowcraft.node_id'] === 'ask');
    const model = all.find((s) => s.kind === 'model');
    expect(model).toMatchObject({
      parentSpanId: ask?.spanId,
      name: 'chat scripted:m',
      attributes: {
        'gen_ai.request.model': 'scripted:m',
        'gen_ai.response.model': 'scripted:m',
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 3,
        'flowcraft.cost_usd': 0,
      },
    });
    expect(model!.startTimeMs).toBeLessThanOrEqual(model!.endTimeMs);
    expect(all.at(-1)).toBe(run);
  });
});
