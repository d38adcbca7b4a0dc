import { FlowError } from '@flowcraft/schema';
import { inputToJson, parseLimits, type SandboxOptions, type SandboxResult } from './sandbox-limits.js';
import { cancelledError } from './sandbox-errors.js';
import { SandboxPool } from './sandbox-pool.js';
import { runInThisThread } from './sandbox-run.js';

export { SandboxLimits, type SandboxOptions, type SandboxResult } from './sandbox-limits.js';

let pool: SandboxPool | undefined;
/** Why worker threads are not used in this process, once they failed to start. */
let workersUnavailable: string | undefined;

/** The process-wide pool used by runSandboxedCode. */
export function defaultSandboxPool(): SandboxPool {
  pool ??= new SandboxPool();
  return pool;
}

/** `worker`, or `inline: <reason>` when worker threads could not start here (diagnostics). */
export function sandboxIsolation(): string {
  return workersUnavailable === undefined ? 'worker' : `inline: ${workersUnavailable}`;
}

/**
 * Runs `code` as the body of `async function (input) { ... }` in a fresh QuickJS VM and returns
 * what it returns (as a JSON copy) plus its console lines. `input` arrives as a JSON copy.
 * The VM has no host access: no process, require, import, fetch, timers, files or network.
 *
 * The VM runs in a pooled worker thread, so the event loop stays free. Limits: `timeoutMs`
 * (QuickJS's interrupt handler, and the worker is terminated if it overstays by
 * HARD_DEADLINE_GRACE_MS), `memoryBytes` (the VM's WebAssembly memory cannot grow further),
 * `maxOutputBytes` (the serialized return value). Errors are FlowError('sandbox_error') naming
 * the limit or the thrown error and its line, or FlowError('cancelled') when `signal` aborts.
 *
 * `isolation: 'inline'` runs in this thread instead (blocking it while the code runs); it is also
 * the fallback when worker threads cannot start (see sandboxIsolation).
 */
export async function runSandboxedCode(
  code: string,
  input: unknown,
  options: SandboxOptions = {},
): Promise<SandboxResult> {
  const limits = parseLimits(options);
  const inputJson = inputToJson(input);
  const { signal } = options;
  if (signal?.aborted) throw cancelledError();
  if (options.isolation === 'inline' || workersUnavailable !== undefined)
    return runInThisThread(code, inputJson, limits, signal);
  try {
    return await defaultSandboxPool().run(code, inputJson, limits, signal);
  } catch (err) {
    if (err instanceof FlowError && err.message.startsWith('The sandbox worker could not start')) {
      workersUnavailable = err.message;
      return runInThisThread(code, inputJson, limits, signal);
    }
    throw err;
  }
}
