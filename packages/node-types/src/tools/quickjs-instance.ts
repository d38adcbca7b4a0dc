import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';

/** The QuickJS build declares a 16 MB initial memory; instances cannot start smaller. */
const BASELINE_PAGES = 256;
const PAGE_BYTES = 64 * 1024;

let compiled: Promise<WebAssembly.Module> | undefined;

async function compileWasm(): Promise<WebAssembly.Module> {
  // Loaded lazily so importing the tools barrel does not pull node built-ins into a browser bundle.
  const [{ readFile }, { createRequire }] = await Promise.all([import('node:fs/promises'), import('node:module')]);
  const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
  return WebAssembly.compile(await readFile(path));
}

/** The compiled QuickJS WebAssembly module, compiled once per process (retried if compiling failed). */
function compiledWasm(): Promise<WebAssembly.Module> {
  compiled ??= compileWasm().catch((err: unknown) => {
    compiled = undefined;
    throw err;
  });
  return compiled;
}

export interface QuickJSInstance {
  module: QuickJSWASMModule;
  /** True once the VM asked for more memory than the instance may have. */
  memoryExhausted: () => boolean;
}

/**
 * A fresh QuickJS instance whose WebAssembly memory cannot grow past the baseline plus
 * `heapBytes`. One instance per run, because:
 * - `runtime.setMemoryLimit` alone only rejects single allocations larger than the limit in
 *   this emscripten build (QuickJS cannot measure block sizes there; quickjs-emscripten
 *   issues #255 and #271), so many smaller allocations would grow a shared memory to 2 GB,
 *   and WebAssembly memory never shrinks;
 * - a host-side failure inside the WebAssembly code (e.g. the host stack overflowing) leaves an
 *   instance unusable; a per-run instance is simply dropped.
 * Instantiating a compiled module takes a few milliseconds.
 */
export async function newQuickJSInstance(heapBytes: number): Promise<QuickJSInstance> {
  const maxPages = BASELINE_PAGES + Math.ceil(heapBytes / PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: BASELINE_PAGES, maximum: maxPages });
  const wasmModule = await compiledWasm();
  // emscripten grows the memory when malloc runs out; a refused grow is how we learn the VM hit
  // its limit (QuickJS then throws "out of memory", or `null` if it cannot allocate even that).
  let refused = false;
  const grow = memory.grow.bind(memory);
  memory.grow = (delta: number): number => {
    try {
      return grow(delta);
    } catch (err) {
      refused = true;
      throw err;
    }
  };
  const module = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule, wasmMemory: memory }));
  return { module, memoryExhausted: () => refused || memory.buffer.byteLength >= maxPages * PAGE_BYTES };
}
