import { FlowError } from '@flowcraft/schema';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { formatBytes } from './format-bytes.js';

/** Why the interrupt handler stopped the VM, if it did. */
export type StopReason = 'timeout' | 'cancelled' | undefined;

export interface SandboxErrorContext {
  stop: StopReason;
  timeoutMs: number;
  memoryBytes: number;
  /** True when the instance's WebAssembly memory has grown to its maximum. */
  memoryExhausted: () => boolean;
  /** Lines the host added before the user's code in the evaluated file. */
  lineOffset: number;
}

interface ErrorLike {
  name: string;
  message: string;
  stack?: string;
}

function isErrorLike(value: unknown): value is ErrorLike {
  if (typeof value !== 'object' || value === null) return false;
  const name: unknown = Reflect.get(value, 'name');
  const message: unknown = Reflect.get(value, 'message');
  return typeof name === 'string' && typeof message === 'string';
}

export function sandboxError(message: string, details?: unknown, cause?: unknown): FlowError {
  return new FlowError('sandbox_error', message, { retryable: false, details, cause });
}

export function timeoutError(timeoutMs: number): FlowError {
  return sandboxError(`The code timed out after ${timeoutMs} ms`, { limit: 'time', timeoutMs });
}

export function memoryError(memoryBytes: number): FlowError {
  return sandboxError(`The code exceeded the memory limit (${formatBytes(memoryBytes)})`, {
    limit: 'memory',
    memoryBytes,
  });
}

export function cancelledError(): FlowError {
  return new FlowError('cancelled', 'The code run was cancelled', { retryable: false });
}

/** Line and column in the user's code from a QuickJS stack (`at f (code.js:3:7)`). */
function locate(stack: string | undefined, lineOffset: number): { line: number; column: number } | undefined {
  const match = stack === undefined ? null : /code\.js:(\d+):(\d+)/.exec(stack);
  if (!match) return undefined;
  const line = Number(match[1]) - lineOffset;
  return line >= 1 ? { line, column: Number(match[2]) } : undefined;
}

const UNREADABLE = '[value could not be read]';

function safeDump(context: QuickJSContext, handle: QuickJSHandle): unknown {
  try {
    const value: unknown = context.dump(handle);
    return value;
  } catch {
    return UNREADABLE;
  }
}

function preview(value: unknown): string {
  try {
    const json = JSON.stringify(value);
    return (json ?? String(value)).slice(0, 200);
  } catch {
    return String(value).slice(0, 200);
  }
}

/**
 * Maps a value thrown inside the VM (or a host-side stop) to a FlowError: `cancelled` when the
 * signal aborted, `sandbox_error` with a message naming the limit for time, memory and stack,
 * and `sandbox_error` with the error's name, message and user-code line otherwise.
 */
export function errorFromVm(
  context: QuickJSContext,
  handle: QuickJSHandle,
  ctx: SandboxErrorContext,
  prefix = '',
): FlowError {
  if (ctx.stop === 'cancelled') return cancelledError();
  if (ctx.stop === 'timeout') return timeoutError(ctx.timeoutMs);
  const thrown = safeDump(context, handle);
  if (isErrorLike(thrown)) {
    if (thrown.name === 'InternalError' && thrown.message === 'out of memory') return memoryError(ctx.memoryBytes);
    if (thrown.name === 'InternalError' && thrown.message === 'interrupted') return timeoutError(ctx.timeoutMs);
    if (thrown.name === 'InternalError' && thrown.message === 'stack overflow') {
      return sandboxError('The code overflowed the stack (too much recursion)', { limit: 'stack' });
    }
    const at = locate(thrown.stack, ctx.lineOffset);
    const where = at ? ` (line ${at.line})` : '';
    return sandboxError(`${prefix}${thrown.name}: ${thrown.message}${where}`, {
      name: thrown.name,
      message: thrown.message,
      ...at,
    });
  }
  // Out of memory, QuickJS throws `null` when it cannot even allocate the error object, and the
  // thrown value may be unreadable.
  if ((thrown === null || thrown === UNREADABLE) && ctx.memoryExhausted()) return memoryError(ctx.memoryBytes);
  return sandboxError(`${prefix}The code threw ${preview(thrown)}`, { thrown });
}

/** Maps a host-side exception raised while driving the VM (e.g. the host stack overflowing). */
export function errorFromHost(err: unknown, ctx: SandboxErrorContext): FlowError {
  if (err instanceof FlowError) return err;
  if (ctx.stop === 'cancelled') return cancelledError();
  if (ctx.stop === 'timeout') return timeoutError(ctx.timeoutMs);
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return sandboxError('The code overflowed the stack (too much recursion)', { limit: 'stack' }, err);
  }
  if (ctx.memoryExhausted()) return memoryError(ctx.memoryBytes);
  const message = err instanceof Error ? err.message : String(err);
  return sandboxError(`The sandbox failed: ${message}`, undefined, err);
}
