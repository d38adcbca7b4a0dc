/** Code that starts a run of a saved workflow over the HTTP API, to paste into a shell or a program. */

export interface SnippetInput {
  /** Engine origin, e.g. `http://127.0.0.1:4000`. */
  origin: string;
  workflowId: string;
  input: Record<string, unknown>;
}

/** Single-quote a string for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlSnippet({ origin, workflowId, input }: SnippetInput): string {
  const body = JSON.stringify({ workflowId, input });
  return [
    `# Start a run (the answer has its runId), then read it back until it is completed.`,
    `curl -sS -X POST ${shellQuote(`${origin}/v1/runs`)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
    `# curl -sS ${shellQuote(`${origin}/v1/runs/`)}"$RUN_ID"`,
  ].join('\n');
}

export function typescriptSnippet({ origin, workflowId, input }: SnippetInput): string {
  const body = JSON.stringify({ workflowId, input }, null, 2).replace(/\n/g, '\n  ');
  return [
    `const engine = ${JSON.stringify(origin)};`,
    `const started = await fetch(\`\${engine}/v1/runs\`, {`,
    `  method: 'POST',`,
    `  headers: { 'content-type': 'application/json' },`,
    `  body: JSON.stringify(${body}),`,
    `});`,
    `const { runId } = await started.json();`,
    `let run;`,
    `do {`,
    `  await new Promise((r) => setTimeout(r, 500));`,
    `  run = await (await fetch(\`\${engine}/v1/runs/\${runId}\`)).json();`,
    `} while (run.status === 'queued' || run.status === 'running');`,
    `console.log(run.status, run.output);`,
  ].join('\n');
}
