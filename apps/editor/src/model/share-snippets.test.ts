import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlSnippet, typescriptSnippet } from './share-snippets.js';

const input = { origin: 'http://127.0.0.1:4000', workflowId: 'triage', input: { input: "it's broken" } };

describe('share snippets', () => {
  it('quotes the curl body so the shell passes it through unchanged', () => {
    const snippet = curlSnippet(input);
    const data = /-d ('(?:[^']|'\\'')*')$/m.exec(snippet)?.[1] ?? '';
    const echoed = execFileSync('sh', ['-c', `printf %s ${data}`]).toString();
    expect(JSON.parse(echoed)).toEqual({ workflowId: 'triage', input: { input: "it's broken" } });
    expect(snippet).toContain("curl -sS -X POST 'http://127.0.0.1:4000/v1/runs'");
  });

  it('writes TypeScript that posts the same body and polls the run', () => {
    const ts = typescriptSnippet(input);
    const body = /JSON\.stringify\((\{[\s\S]*?\})\),\n/.exec(ts)?.[1] ?? '';
    expect(JSON.parse(body)).toEqual({ workflowId: 'triage', input: { input: "it's broken" } });
    expect(ts).toContain("while (run.status === 'queued' || run.status === 'running')");
  });
});
