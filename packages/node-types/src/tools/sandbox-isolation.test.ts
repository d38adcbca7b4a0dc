import { FlowError } from '@flowcraft/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandboxedCode, sandboxIsolation, type SandboxOptions } from './code-sandbox.js';
import { SandboxLimits } from './sandbox-limits.js';
import { SandboxPool } from './sandbox-pool.js';

async function failureOf(code: string, options?: SandboxOptions): Promise<FlowError> {
  try {
    await runSandboxedCode(code, undefined, options);
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected the code to fail');
}

/** Counts event-loop ticks while `work` runs. */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    await work().catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

/** ECMAScript built-ins QuickJS defines, plus the console the sandbox installs. Nothing else may exist. */
const STANDARD_GLOBALS = new Set([
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'InternalError',
  'AggregateError',
  'Array',
  'Object',
  'Function',
  'Iterator',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'escape',
  'unescape',
  'Infinity',
  'NaN',
  'undefined',
  'eval',
  'Number',
  'Boolean',
  'String',
  'Math',
  'Reflect',
  'Symbol',
  'globalThis',
  'BigInt',
  'Date',
  'RegExp',
  'JSON',
  'Proxy',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Uint8ClampedArray',
  'Int8Array',
  'Uint8Array',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'DataView',
  'Promise',
  'WeakRef',
  'FinalizationRegistry',
  'console',
  'Symbol(Symbol.toStringTag)',
]);

describe('sandbox isolation', () => {
  it('runs in a worker thread, so an infinite loop does not block the event loop', async () => {
    expect((await runSandboxedCode('return 1', undefined)).result).toBe(1);
    expect(sandboxIsolation()).toBe('worker');
    const inWorker = await ticksDuring(() => runSandboxedCode('while (true) {}', undefined, { timeoutMs: 400 }));
    expect(inWorker).toBeGreaterThanOrEqual(10);
    // the same loop in this thread starves timers (a tick or two may land before the loop starts, more on a loaded machine)
    const inline = await ticksDuring(() =>
      runSandboxedCode('while (true) {}', undefined, { timeoutMs: 400, isolation: 'inline' }),
    );
    expect(inline).toBeLessThanOrEqual(6);
    expect(inline).toBeLessThan(inWorker / 2);
  });

  it('exposes only standard ECMAScript globals', async () => {
    const { result } = await runSandboxedCode('return Reflect.ownKeys(globalThis).map(String)', undefined);
    expect(Array.isArray(result)).toBe(true);
    expect((result as string[]).filter((name) => !STANDARD_GLOBALS.has(name))).toEqual([]);
    expect(result).not.toContain('Atomics');
    expect(result).not.toContain('WebAssembly');
  });

  it('refuses the usual escape routes to the host', async () => {
    const { result } = await runSandboxedCode(
      `const probe = (f) => { try { const v = f(); return v === undefined ? 'undefined' : typeof v; } catch (e) { return 'threw ' + e.name; } };
       return {
         functionCtor: probe(() => Function('return process')()),
         ctorChain: probe(() => ({}).constructor.constructor('return this.process')()),
         consoleCtor: probe(() => console.log.constructor('return typeof require')() === 'function' ? 1 : undefined),
         asyncCtor: probe(() => (async () => {}).constructor('return process')),
         evalRequire: probe(() => eval('require')),
         globalProcess: probe(() => globalThis.process),
         thisProcess: probe(function () { return this && this.process; }),
         importMeta: probe(() => eval('import.meta')),
         hostLog: probe(() => globalThis.hostLog),
         protoProcess: probe(() => Object.getPrototypeOf(globalThis).process),
         stackTrace: probe(() => Error.prepareStackTrace),
         consoleFrozen: Object.isFrozen(console),
       };`,
      undefined,
    );
    expect(result).toEqual({
      functionCtor: 'threw ReferenceError',
      ctorChain: 'undefined',
      consoleCtor: 'undefined',
      asyncCtor: 'function', // a function of the VM, which still cannot reach the host (see functionCtor)
      evalRequire: 'threw ReferenceError',
      globalProcess: 'undefined',
      thisProcess: 'undefined',
      importMeta: 'threw SyntaxError',
      hostLog: 'undefined',
      protoProcess: 'undefined',
      stackTrace: 'undefined',
      consoleFrozen: true,
    });
    for (const code of [
      'return await import("node:fs")',
      'return await import("fs")',
      'return await import("data:text/javascript,export default 1")',
    ]) {
      const err = await failureOf(code);
      expect(err.code, code).toBe('sandbox_error');
      expect(err.message, code).not.toMatch(/timed out/);
    }
    expect((await failureOf('return fetch("http://169.254.169.254/")')).message).toMatch(/^ReferenceError: .*fetch/);
    expect((await failureOf('setTimeout(() => {}, 10)')).message).toMatch(/^ReferenceError: .*setTimeout/);
    expect((await failureOf('return new Promise((r) => queueMicrotask(r))')).message).toMatch(
      /^ReferenceError: .*queueMicrotask/,
    );
  });

  it('stops catastrophic regular expressions at the time limit', async () => {
    const err = await failureOf('return /(a+)+b/.test("a".repeat(40))', { timeoutMs: 200 });
    expect(err.message).toBe('The code timed out after 200 ms');
  });

  it('survives memory bombs and huge output in the worker, and keeps serving', async () => {
    const bomb = await failureOf('const a = []; for (;;) a.push(new Array(1e5).fill(1))', {
      memoryBytes: 8 * 1024 * 1024,
      timeoutMs: 10_000,
    });
    expect(bomb.message).toBe('The code exceeded the memory limit (8 MB)');
    const output = await failureOf('return "x".repeat(5 * 1024 * 1024)', { memoryBytes: 64 * 1024 * 1024 });
    expect(output.message).toBe('The return value exceeds the 256 KB output limit');
    expect((await runSandboxedCode('return input.n * 2', { n: 21 })).result).toBe(42);
  });

  it('cancels a running job by terminating its worker, and the pool recovers', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await failureOf('while (true) {}', { timeoutMs: 30_000, signal: controller.signal });
    expect(err.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await runSandboxedCode('return "again"', undefined)).result).toBe('again');
  });
});

describe('SandboxPool', () => {
  const pools: SandboxPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });
  const limits = (timeoutMs: number): SandboxLimits => SandboxLimits.parse({ timeoutMs });

  it('terminates a worker that overstays its hard deadline and replaces it', async () => {
    const pool = new SandboxPool({
      workerUrl: new URL('./fixtures/hanging-sandbox-worker.mjs', import.meta.url),
      hardDeadlineGraceMs: 100,
    });
    pools.push(pool);
    const started = Date.now();
    const err = await pool.run('return 1', undefined, limits(100)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlowError);
    expect((err as FlowError).message).toBe('The code timed out after 100 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pool.workerCount).toBe(0);
  });

  it('runs jobs concurrently up to its size and queues the rest', async () => {
    const pool = new SandboxPool({ size: 2 });
    pools.push(pool);
    const code = 'const end = Date.now() + 150; while (Date.now() < end) {} return input';
    const results = await Promise.all([1, 2, 3].map((n) => pool.run(code, JSON.stringify(n), limits(5000))));
    expect(results.map((r) => r.result)).toEqual([1, 2, 3]);
    expect(pool.workerCount).toBe(2);
    await pool.close();
    await expect(pool.run('return 1', undefined, limits(100))).rejects.toThrow('The sandbox pool is closed');
  });
});
