import type { FetchLike } from '../sdk/services.js';
import { calculate } from './calculator.js';
import { runSandboxedCode, type SandboxResult } from './code-sandbox.js';
import { httpRequest, type HttpResponse } from './http-request.js';
import { resolveToolUrl } from './http-tool-url.js';
import { CalculatorArgs, codeArgsSchema, httpArgsSchema, parseToolArgs, type HttpToolArgs } from './tool-args.js';
import type { ToolSpec } from './tool-spec.js';

export interface ToolDeps {
  fetch: FetchLike;
  signal?: AbortSignal;
}

/** calculator: the number or text; http: the response; code: the returned value and console lines. */
export type ToolRunResult = number | string | HttpResponse | SandboxResult;

/**
 * Runs a tool from its spec with the model's (or a node's) arguments, validating them first.
 * Throws FlowError: `tool_error` for bad arguments or a URL outside the allowlist, and whatever
 * the tool itself throws (`http_error`, `rate_limited`, `sandbox_error`, `cancelled`).
 */
export async function runToolSpec(spec: ToolSpec, args: unknown, deps: ToolDeps): Promise<ToolRunResult> {
  switch (spec.kind) {
    case 'calculator': {
      const { expression } = parseToolArgs(CalculatorArgs, args, spec.name);
      return calculate(expression);
    }
    case 'http': {
      // A GET tool's schema has no `body`: one the model sends anyway is dropped, not sent.
      const parsed: HttpToolArgs = parseToolArgs(httpArgsSchema(spec), args, spec.name);
      const url = resolveToolUrl(spec, parsed);
      return httpRequest(
        {
          method: spec.method,
          url,
          headers: spec.headers,
          body: parsed.body,
          timeoutMs: spec.timeoutMs,
          responseType: spec.responseType,
          maxResponseBytes: spec.maxResponseBytes,
          redirect: 'manual',
        },
        { fetch: deps.fetch, signal: deps.signal },
      );
    }
    case 'code': {
      const input = parseToolArgs(codeArgsSchema(spec), args, spec.name);
      return runSandboxedCode(spec.code, input, {
        timeoutMs: spec.timeoutMs,
        memoryBytes: spec.memoryMb * 1024 * 1024,
        signal: deps.signal,
      });
    }
  }
}
