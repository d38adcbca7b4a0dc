import { FlowError } from '@flowcraft/schema';
import { Scope, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten-core';
import { formatBytes } from './format-bytes.js';
import type { SandboxLimits, SandboxResult } from './sandbox-limits.js';
import { newQuickJSInstance } from './quickjs-instance.js';
import { installConsole, LogBuffer } from './sandbox-console.js';
import {
  cancelledError,
  errorFromHost,
  errorFromVm,
  sandboxError,
  type SandboxErrorContext,
  type StopReason,
} from './sandbox-errors.js';

/**
 * QuickJS stack limit. Small enough that deep recursion fails inside QuickJS ("stack overflow")
 * before the host's own stack overflows underneath it; allows roughly 1,000 nested calls.
 */
const MAX_STACK_BYTES = 192 * 1024;

/** The user's code becomes the body of this function; keep LINE_OFFSET in step with its first line. */
const WRAPPER_HEAD = '(async function (input) {\n';
const LINE_OFFSET = 1;

/**
 * The instance is dropped after each run, so a dispose that fails (after a host-side failure
 * inside the VM) cannot affect later runs, and must not hide the run's own error.
 */
function disposeQuietly(resource: { dispose(): void } | undefined): void {
  try {
    resource?.dispose();
  } catch {
    // ignored: see above
  }
}

/** Console lines printed before a failure help explain it; keep them in the error's details. */
function withLogs(err: FlowError, logs: string[]): FlowError {
  if (logs.length === 0 || err.code !== 'sandbox_error') return err;
  const details = typeof err.details === 'object' && err.details !== null ? { ...err.details, logs } : { logs };
  return new FlowError(err.code, err.message, { retryable: err.retryable, details, cause: err.cause });
}

interface Run {
  context: QuickJSContext;
  runtime: QuickJSRuntime;
  scope: Scope;
  errors: SandboxErrorContext;
  limits: SandboxLimits;
}

/** Runs the pending jobs, then returns the settled promise's value handle or throws a FlowError. */
function settle(run: Run, promise: QuickJSHandle): QuickJSHandle {
  const { context, runtime, scope, errors } = run;
  let state = context.getPromiseState(promise);
  if (state.type === 'pending') {
    const jobs = runtime.executePendingJobs();
    if (jobs.error !== undefined) {
      const failure = errorFromVm(jobs.error.context, jobs.error, errors);
      jobs.dispose();
      throw failure;
    }
    state = context.getPromiseState(promise);
  }
  if (state.type === 'pending') {
    throw sandboxError('The code returned a promise that never settled (the sandbox has no timers or I/O)');
  }
  if (state.type === 'rejected') throw errorFromVm(context, scope.manage(state.error), errors);
  return state.notAPromise ? state.value : scope.manage(state.value);
}

/** Serializes the value inside the VM with the pristine JSON.stringify and parses it on the host. */
function toJson(run: Run, value: QuickJSHandle, stringify: QuickJSHandle): unknown {
  const { context, scope, errors, limits } = run;
  const kind = context.typeof(value);
  if (kind === 'undefined') return null;
  if (kind === 'function' || kind === 'symbol') {
    throw sandboxError(`The code returned a ${kind}, which is not JSON`);
  }
  const result = context.callFunction(stringify, context.undefined, value);
  if (result.error !== undefined) {
    throw errorFromVm(context, scope.manage(result.error), errors, 'The return value is not JSON-serializable: ');
  }
  const text = scope.manage(result.value);
  if (context.typeof(text) !== 'string') throw sandboxError('The return value is not JSON-serializable');
  const tooLarge = sandboxError(`The return value exceeds the ${formatBytes(limits.maxOutputBytes)} output limit`, {
    limit: 'output',
    maxOutputBytes: limits.maxOutputBytes,
  });
  // Check the length inside the VM before copying a possibly huge string out.
  if (context.getNumber(scope.manage(context.getProp(text, 'length'))) > limits.maxOutputBytes) throw tooLarge;
  const json = context.getString(text);
  if (new TextEncoder().encode(json).byteLength > limits.maxOutputBytes) throw tooLarge;
  const parsed: unknown = JSON.parse(json);
  return parsed;
}

function execute(run: Run, code: string, inputJson: string | undefined, logs: LogBuffer): unknown {
  const { context, scope, errors } = run;
  installConsole(context, scope, logs);
  // Taken before any user code runs, so redefining JSON inside the sandbox cannot affect us.
  const json = scope.manage(context.getProp(context.global, 'JSON'));
  const stringify = scope.manage(context.getProp(json, 'stringify'));
  const parse = scope.manage(context.getProp(json, 'parse'));

  const compiled = context.evalCode(`${WRAPPER_HEAD}${code}\n})`, 'code.js', { type: 'global' });
  if (compiled.error !== undefined) throw errorFromVm(context, scope.manage(compiled.error), errors);
  const fn = scope.manage(compiled.value);
  if (context.typeof(fn) !== 'function') throw sandboxError('The code must be the body of a function');

  let input = context.undefined;
  if (inputJson !== undefined) {
    const text = scope.manage(context.newString(inputJson));
    input = scope.manage(context.unwrapResult(context.callFunction(parse, context.undefined, text)));
  }
  const called = context.callFunction(fn, context.undefined, input);
  if (called.error !== undefined) throw errorFromVm(context, scope.manage(called.error), errors);
  const promise = scope.manage(called.value);
  return toJson(run, settle(run, promise), stringify);
}

/**
 * Runs `code` as the body of `async function (input) { ... }` in a fresh QuickJS VM, in this
 * thread, and returns what it returns (as a JSON copy) plus its console lines. `inputJson` is
 * parsed inside the VM. The VM has no host access: no process, require, fetch, timers, files or
 * network.
 *
 * Limits: `timeoutMs` (checked by QuickJS's interrupt handler), `memoryBytes` (the VM's
 * WebAssembly memory cannot grow further) and `maxOutputBytes` (the serialized return value).
 * Errors are FlowError('sandbox_error') naming the limit or the thrown error and its line, or
 * FlowError('cancelled') when `signal` is aborted before or during the run.
 *
 * Synchronous once the VM is created: it blocks this thread for up to timeoutMs (longer only
 * inside a single native operation, which the interrupt handler cannot stop). Use
 * runSandboxedCode, which runs this in a worker thread.
 */
export async function runInThisThread(
  code: string,
  inputJson: string | undefined,
  limits: SandboxLimits,
  signal?: AbortSignal,
): Promise<SandboxResult> {
  if (signal?.aborted) throw cancelledError();
  const instance = await newQuickJSInstance(limits.memoryBytes);
  if (signal?.aborted) throw cancelledError();

  let stop: StopReason;
  const errors: SandboxErrorContext = {
    get stop() {
      return stop;
    },
    timeoutMs: limits.timeoutMs,
    memoryBytes: limits.memoryBytes,
    memoryExhausted: instance.memoryExhausted,
    lineOffset: LINE_OFFSET,
  };
  const deadline = Date.now() + limits.timeoutMs;
  const logs = new LogBuffer();
  let runtime: QuickJSRuntime | undefined;
  let context: QuickJSContext | undefined;
  try {
    runtime = instance.module.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    runtime.setInterruptHandler(() => {
      if (signal?.aborted) stop = 'cancelled';
      else if (Date.now() > deadline) stop = 'timeout';
      return stop !== undefined;
    });
    context = runtime.newContext();
    const scope = new Scope();
    try {
      const result = execute({ context, runtime, scope, errors, limits }, code, inputJson, logs);
      return { result, logs: logs.toArray() };
    } finally {
      disposeQuietly(scope);
    }
  } catch (err) {
    throw withLogs(errorFromHost(err, errors), logs.toArray());
  } finally {
    disposeQuietly(context);
    disposeQuietly(runtime);
  }
}
