import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@flowcraft/schema';
import { createHttpApp } from '../http/app.js';
import { call, createFakeDeps } from '../http/testing/index.js';
import { EngineMetrics } from './metrics.js';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();

function run(runId: string, workflowId: string, end: 'completed' | 'failed'): TraceEvent[] {
  const base = { runId, ts: at(0) };
  return [
    { ...base, seq: 1, type: 'run.started', threadId: `t-${runId}`, workflowId, input: {} },
    { ...base, seq: 2, type: 'node.started', nodeId: 'ask', step: 1, attempt: 1 },
    {
      ...base,
      seq: 3,
      type: 'node.progress',
      nodeId: 'ask',
      step: 1,
      kind: 'model_call',
      data: { model: 'openai:gpt-4o', input: 12, output: 5, costUsd: 0.002 },
    },
    { ...base, seq: 4, ts: at(1500), type: 'node.finished', nodeId: 'ask', step: 1, update: {}, durationMs: 1500 },
    end === 'completed'
      ? { ...base, seq: 5, ts: at(2000), type: 'run.completed', output: {}, durationMs: 2000 }
      : { ...base, seq: 5, ts: at(2000), type: 'run.failed', error: { code: 'model_error', message: 'x' } },
  ];
}

describe('EngineMetrics', () => {
  it('counts runs by workflow and status, node time by type, tokens and cost by model, from trace events', async () => {
    const metrics = new EngineMetrics({
      processMetrics: false,
      nodeType: (_runId, nodeId) => (nodeId === 'ask' ? 'llm' : undefined),
      queueStats: async () => ({ depth: 3, oldestWaitSeconds: 4.5 }),
      now: () => Date.parse(at(2010)),
    });
    for (const e of [
      ...run('r1', 'wf-a', 'completed'),
      ...run('r2', 'wf-a', 'failed'),
      ...run('r3', 'wf-b', 'completed'),
    ])
      metrics.onEvent(e);
    metrics.observeHttp('/v1/runs', 'POST', 202, 0.01);
    const text = await metrics.metrics();
    expect(text).toContain('flowcraft_runs_total{workflow="wf-a",status="completed"} 1');
    expect(text).toContain('flowcraft_runs_total{workflow="wf-a",status="failed"} 1');
    expect(text).toContain('flowcraft_runs_total{workflow="wf-b",status="completed"} 1');
    expect(text).toContain('flowcraft_run_duration_seconds_sum{workflow="wf-a",status="failed"} 2');
    expect(text).toContain('flowcraft_node_duration_seconds_count{type="llm"} 3');
    expect(text).toContain('flowcraft_model_tokens_total{model="openai:gpt-4o",direction="input"} 36');
    expect(text).toContain('flowcraft_model_tokens_total{model="openai:gpt-4o",direction="output"} 15');
    expect(text).toMatch(/flowcraft_model_cost_usd_total\{model="openai:gpt-4o"\} 0\.006/);
    expect(text).toContain('flowcraft_queue_depth 3');
    expect(text).toContain('flowcraft_queue_wait_seconds 4.5');
    expect(text).toContain(
      'flowcraft_http_request_duration_seconds_count{route="/v1/runs",method="POST",status="202"} 1',
    );
    expect(text).toContain('flowcraft_event_publish_lag_seconds_count 15');
    // No execution wired: no gauges of it.
    expect(text).not.toContain('flowcraft_runs_executing');
  });

  it('runs executing now against the slots of a worker (what an autoscaler compares)', async () => {
    let executing = 3;
    const worker = new EngineMetrics({ processMetrics: false, executing: () => executing, slots: 20 });
    expect(await worker.metrics()).toContain('flowcraft_runs_executing 3');
    expect(await worker.metrics()).toContain('flowcraft_worker_slots 20');
    executing = 0;
    expect(await worker.metrics()).toContain('flowcraft_runs_executing 0');
    // Nothing caps the embedded database's process: no slots gauge.
    const embedded = new EngineMetrics({ processMetrics: false, executing: () => 1 });
    expect(await embedded.metrics()).toContain('flowcraft_runs_executing 1');
    expect(await embedded.metrics()).not.toContain('flowcraft_worker_slots');
  });

  it('GET /metrics with METRICS_TOKEN: the token and nothing else', async () => {
    const metrics = new EngineMetrics({ processMetrics: false });
    const app = createHttpApp(
      { ...createFakeDeps(), metrics },
      { apiKey: 'the-api-key-16chars', metricsToken: 'metrics-token-16chars' },
    );
    expect((await call(app, 'GET', '/metrics')).status).toBe(401);
    expect(
      (await call(app, 'GET', '/metrics', { headers: { authorization: 'Bearer the-api-key-16chars' } })).status,
    ).toBe(401);
    const ok = await call(app, 'GET', '/metrics', { headers: { authorization: 'Bearer metrics-token-16chars' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(String(ok.body)).toContain('# TYPE flowcraft_runs_total counter');
    // The scrape itself is timed under its route.
    expect(await metrics.metrics()).toContain('route="/metrics",method="GET",status="200"');
  });
});
