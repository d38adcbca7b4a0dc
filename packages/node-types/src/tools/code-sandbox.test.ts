import { FlowError } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { runSandboxedCode, type SandboxOptions } from './code-sandbox.js';
import { MAX_LOG_LINE_CHARS, MAX_LOG_LINES } from './sandbox-console.js';

async function failureOf(code: string, input?: unknown, options?: SandboxOptions): Promise<FlowError> {
  try {
    await runSandboxedCode(code, input, options);
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected the code to fail');
}

describe('runSandboxedCode', () => {
  it('returns the value the code returns', async () => {
    expect(await runSandboxedCode('return 1 + 1', undefined)).toEqual({ result: 2, logs: [] });
    expect((await runSandboxedCode('return { a: [1, "x", null], b: true }', undefined)).result).toEqual({
      a: [1, 'x', null],
      b: true,
    });
    expect((await runSandboxedCode('const x = 2;', undefined)).result).toBeNull();
  });

  it('passes a JSON copy of the input', async () => {
    const input = { items: [1, 2, 3], when: new Date(Date.UTC(2024, 0, 2)) };
    const out = await runSandboxedCode(
      'input.items.push(4); return { sum: input.items.reduce((a, b) => a + b, 0), when: input.when }',
      input,
    );
    expect(out.result).toEqual({ sum: 10, when: '2024-01-02T00:00:00.000Z' });
    expect(input.items).toEqual([1, 2, 3]);
    expect((await runSandboxedCode('return typeof input', undefined)).result).toBe('undefined');
  });

  it('resolves returned promises and supports await', async () => {
    const out = await runSandboxedCode(
      'const v = await Promise.resolve(20); return new Promise((r) => r(v + 1))',
      undefined,
    );
    expect(out.result).toBe(21);
    const never = await failureOf('return new Promise(() => {})');
    expect(never.message).toMatch(/never settled/);
  });

  it('captures console output, bounded', async () => {
    const out = await runSandboxedCode(
      'console.log("hi", 1, { a: 1 }, [2]); console.warn("careful"); console.error(new Error("bad")); return 0',
      undefined,
    );
    expect(out.logs).toEqual(['hi 1 {"a":1} [2]', '[warn] careful', '[error] Error: bad']);
    const many = await runSandboxedCode(
      `for (let i = 0; i < ${MAX_LOG_LINES + 50}; i++) console.log("line " + i); console.log("x".repeat(100000)); return 1`,
      undefined,
    );
    expect(many.logs).toHaveLength(MAX_LOG_LINES + 1);
    expect(many.logs[0]).toBe('line 0');
    expect(many.logs.at(-1)).toBe('… 51 more log line(s) dropped');
    const long = await runSandboxedCode('console.log("y".repeat(100000))', undefined);
    expect(long.logs[0]).toHaveLength(MAX_LOG_LINE_CHARS + '… (truncated)'.length);
  });

  it('stops an infinite loop at the time limit', async () => {
    const started = Date.now();
    const err = await failureOf('while (true) {}', undefined, { timeoutMs: 200 });
    const elapsed = Date.now() - started;
    expect(err.code).toBe('sandbox_error');
    expect(err.message).toBe('The code timed out after 200 ms');
    expect(err.details).toMatchObject({ limit: 'time' });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(5000);
  });

  it('cannot catch the time limit', async () => {
    const err = await failureOf('for (;;) { try { while (true) {} } catch (e) { } }', undefined, { timeoutMs: 100 });
    expect(err.message).toMatch(/timed out/);
  });

  it('stops an infinite loop inside an awaited continuation', async () => {
    const err = await failureOf('await null; while (true) {}', undefined, { timeoutMs: 100 });
    expect(err.message).toMatch(/timed out after 100 ms/);
  });

  it('stops memory bombs at the memory limit', async () => {
    const bombs = [
      'const a = []; while (true) a.push("x".repeat(100000) + a.length)',
      'const a = []; while (true) a.push(new Array(100000).fill(a.length))',
      'const a = []; while (true) a.push({ x: a.length, y: [a.length] })',
      'return "x".repeat(200 * 1024 * 1024)',
    ];
    for (const code of bombs) {
      const err = await failureOf(code, undefined, { timeoutMs: 10_000, memoryBytes: 8 * 1024 * 1024 });
      expect(err.code, code).toBe('sandbox_error');
      expect(err.message, code).toBe('The code exceeded the memory limit (8 MB)');
    }
    // and a later run in a fresh VM is unaffected
    expect((await runSandboxedCode('return "ok"', undefined)).result).toBe('ok');
  });

  it('stops runaway recursion', async () => {
    const err = await failureOf('function f(n) { return f(n + 1) + 1 } return f(0)');
    expect(err.code).toBe('sandbox_error');
    expect(err.message).toMatch(/overflowed the stack/);
    expect(
      (await runSandboxedCode('function f(n) { return n === 0 ? 0 : 1 + f(n - 1) } return f(500)', undefined)).result,
    ).toBe(500);
  });

  it('has no host access', async () => {
    const out = await runSandboxedCode(
      `return {
        process: typeof process, require: typeof require, fetch: typeof fetch, setTimeout: typeof setTimeout,
        module: typeof module, Buffer: typeof Buffer, std: typeof std, os: typeof os,
        globalProcess: typeof globalThis.process,
        viaFunction: Function("return typeof process")(),
        globals: Object.getOwnPropertyNames(globalThis).filter((k) => /process|require|fetch|host|std|os/i.test(k)),
      }`,
      undefined,
    );
    expect(out.result).toEqual({
      process: 'undefined',
      require: 'undefined',
      fetch: 'undefined',
      setTimeout: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      std: 'undefined',
      os: 'undefined',
      globalProcess: 'undefined',
      viaFunction: 'undefined',
      globals: [],
    });
    const dynamicImport = await failureOf('return await import("os")');
    expect(dynamicImport.code).toBe('sandbox_error');
    const noRequire = await failureOf('return require("fs")');
    expect(noRequire.message).toMatch(/^ReferenceError: .*require.* \(line 1\)$/);
  });

  it('isolates runs from each other', async () => {
    await runSandboxedCode('globalThis.leak = 42; Object.prototype.polluted = true; return 1', undefined);
    expect((await runSandboxedCode('return [typeof leak, ({}).polluted]', undefined)).result).toEqual([
      'undefined',
      null,
    ]);
  });

  it('reports syntax errors and thrown errors with the line in the user code', async () => {
    const syntax = await failureOf('const a = 1;\nreturn a +;');
    expect(syntax.code).toBe('sandbox_error');
    expect(syntax.message).toMatch(/^SyntaxError: .+ \(line 2\)$/);
    const thrown = await failureOf('const x = 1;\n\nthrow new TypeError("nope")');
    expect(thrown.message).toBe('TypeError: nope (line 3)');
    expect(thrown.details).toMatchObject({ name: 'TypeError', message: 'nope', line: 3 });
    expect((await failureOf('throw 42')).message).toBe('The code threw 42');
    expect((await failureOf('throw { reason: "x" }')).message).toBe('The code threw {"reason":"x"}');
    expect((await failureOf('await null; throw new Error("later")')).message).toMatch(/^Error: later/);
  });

  it('keeps the console lines printed before a failure in the error details', async () => {
    const err = await failureOf('console.log("step 1"); throw new RangeError("bad step")');
    expect(err.details).toMatchObject({ name: 'RangeError', line: 1, logs: ['step 1'] });
    const timedOut = await failureOf('console.log("looping"); while (true) {}', undefined, { timeoutMs: 50 });
    expect(timedOut.details).toEqual({ limit: 'time', timeoutMs: 50, logs: ['looping'] });
  });

  it('rejects return values that are not JSON', async () => {
    expect((await failureOf('return () => 1')).message).toBe('The code returned a function, which is not JSON');
    expect((await failureOf('const a = {}; a.self = a; return a')).message).toMatch(
      /^The return value is not JSON-serializable: TypeError: .*circular/i,
    );
    expect((await failureOf('return 10n')).message).toMatch(/not JSON-serializable/);
    expect((await runSandboxedCode('return { f() {}, n: NaN, u: undefined }', undefined)).result).toEqual({ n: null });
    // redefining JSON inside the sandbox does not change how the result is read
    expect((await runSandboxedCode('JSON.stringify = () => "oops"; return { ok: 1 }', undefined)).result).toEqual({
      ok: 1,
    });
  });

  it('caps the size of the return value', async () => {
    const err = await failureOf('return "z".repeat(2000)', undefined, { maxOutputBytes: 1024 });
    expect(err.message).toBe('The return value exceeds the 1 KB output limit');
    expect((await runSandboxedCode('return "é".repeat(400)', undefined, { maxOutputBytes: 1024 })).result).toHaveLength(
      400,
    );
    expect((await failureOf('return "é".repeat(600)', undefined, { maxOutputBytes: 1024 })).message).toMatch(
      /output limit/,
    );
  });

  it('honours an abort signal', async () => {
    const err = await failureOf('return 1', undefined, { signal: AbortSignal.abort() });
    expect(err.code).toBe('cancelled');
  });

  it('rejects bad limits and non-JSON input', async () => {
    expect((await failureOf('return 1', undefined, { timeoutMs: -1 })).message).toMatch(
      /Invalid sandbox limits: timeoutMs/,
    );
    expect((await failureOf('return 1', { n: 1n })).message).toMatch(/input is not JSON-serializable/);
  });
});
