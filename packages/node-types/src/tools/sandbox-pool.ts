import { FlowError } from '@flowcraft/schema';
import type { Worker } from 'node:worker_threads';
import type { SandboxLimits, SandboxResult } from './sandbox-limits.js';
import { SandboxReply } from './sandbox-protocol.js';
import { cancelledError, sandboxError, timeoutError } from './sandbox-errors.js';

/**
 * Past the VM's own deadline, how long the host waits before terminating the worker. QuickJS's
 * interrupt handler normally stops the code at the deadline; this catches what it cannot stop
 * (one long native operation) and a wedged worker.
 */
export const HARD_DEADLINE_GRACE_MS = 2000;
/** How long a new worker may take to load (tsx, zod, QuickJS) before it counts as broken. */
const STARTUP_TIMEOUT_MS = 30_000;

export interface SandboxPoolOptions {
  /** Workers running at once; further runs wait. Default 2. */
  size?: number;
  /** The worker script (tests swap it). */
  workerUrl?: URL;
  hardDeadlineGraceMs?: number;
}

interface Waiter {
  resolve: (worker: Worker) => void;
  reject: (err: unknown) => void;
}

function replyOf(message: unknown): SandboxReply | undefined {
  const parsed = SandboxReply.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Runs sandboxed code in worker threads, so an infinite loop or a heavy computation never blocks
 * the engine's event loop, and a run that overstays its deadline is ended by terminating its
 * worker. Workers are reused (a fresh QuickJS VM per run) and replaced after a termination.
 * Idle workers do not keep the process alive.
 */
export class SandboxPool {
  readonly #size: number;
  readonly #workerUrl: URL;
  readonly #grace: number;
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  readonly #waiters: Waiter[] = [];
  #starting = 0;
  #nextId = 1;
  #closed = false;

  constructor(options: SandboxPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? 2);
    this.#workerUrl = options.workerUrl ?? new URL('./sandbox-worker-entry.mjs', import.meta.url);
    this.#grace = options.hardDeadlineGraceMs ?? HARD_DEADLINE_GRACE_MS;
  }

  async #spawn(): Promise<Worker> {
    const { Worker } = await import('node:worker_threads');
    // Not `stdout/stderr: true`: piped worker stdio would keep the process alive while idle.
    const worker = new Worker(this.#workerUrl);
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`the worker did not start within ${STARTUP_TIMEOUT_MS} ms`)),
        STARTUP_TIMEOUT_MS,
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', fail);
        worker.off('exit', onExit);
      };
      const fail = (err: unknown): void => {
        cleanup();
        void worker.terminate();
        reject(
          sandboxError(
            `The sandbox worker could not start: ${err instanceof Error ? err.message : String(err)}`,
            undefined,
            err,
          ),
        );
      };
      const onExit = (code: number): void => fail(new Error(`the worker exited with code ${code}`));
      const onMessage = (message: unknown): void => {
        const reply = replyOf(message);
        if (reply === undefined || !('ready' in reply)) return;
        cleanup();
        worker.unref();
        this.#all.add(worker);
        worker.once('exit', () => this.#discard(worker));
        resolve(worker);
      };
      worker.on('message', onMessage);
      worker.on('error', fail);
      worker.on('exit', onExit);
    });
  }

  #discard(worker: Worker): void {
    this.#all.delete(worker);
    const i = this.#idle.indexOf(worker);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  async #acquire(signal?: AbortSignal): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#all.size + this.#starting < this.#size) {
      this.#starting++;
      try {
        return await this.#spawn();
      } finally {
        this.#starting--;
      }
    }
    return new Promise<Worker>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (worker) => (signal?.removeEventListener('abort', onAbort), resolve(worker)),
        reject: (err) => (signal?.removeEventListener('abort', onAbort), reject(err)),
      };
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(cancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #release(worker: Worker): void {
    worker.unref();
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(worker);
    else this.#idle.push(worker);
  }

  /** A slot freed by a terminated worker: a waiter gets a new worker. */
  #replace(): void {
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    this.#starting++;
    this.#spawn()
      .then(waiter.resolve, waiter.reject)
      .finally(() => this.#starting--);
  }

  /**
   * Runs one job. Rejects with FlowError: the run's own error, `sandbox_error` (time limit, or the
   * worker failed), `cancelled` when `signal` aborts (the worker is terminated).
   */
  async run(
    code: string,
    inputJson: string | undefined,
    limits: SandboxLimits,
    signal?: AbortSignal,
  ): Promise<SandboxResult> {
    if (this.#closed) throw sandboxError('The sandbox pool is closed');
    if (signal?.aborted) throw cancelledError();
    const worker = await this.#acquire(signal);
    if (signal?.aborted) {
      this.#release(worker);
      throw cancelledError();
    }
    const id = this.#nextId++;
    worker.ref();
    return new Promise<SandboxResult>((resolve, reject) => {
      let settled = false;
      const finish = (
        outcome: { ok: true; value: SandboxResult } | { ok: false; error: unknown },
        keep: boolean,
      ): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (keep) this.#release(worker);
        else {
          this.#discard(worker);
          void worker.terminate();
          this.#replace();
        }
        if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      };
      const onMessage = (message: unknown): void => {
        const reply = replyOf(message);
        if (reply === undefined || 'ready' in reply || reply.id !== id) return;
        if (reply.ok) finish({ ok: true, value: reply.value }, true);
        else {
          const { code: errorCode, message: text, retryable, details } = reply.error;
          finish({ ok: false, error: new FlowError(errorCode, text, { retryable, details }) }, true);
        }
      };
      const onError = (err: Error): void => {
        const message = /out of memory/i.test(err.message) ? 'the worker ran out of memory' : err.message;
        finish({ ok: false, error: sandboxError(`The sandbox worker failed: ${message}`, undefined, err) }, false);
      };
      const onExit = (exitCode: number): void => {
        finish({ ok: false, error: sandboxError(`The sandbox worker exited unexpectedly (code ${exitCode})`) }, false);
      };
      const onAbort = (): void => finish({ ok: false, error: cancelledError() }, false);
      const timer = setTimeout(() => {
        const err = timeoutError(limits.timeoutMs);
        finish({ ok: false, error: err }, false);
      }, limits.timeoutMs + this.#grace);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, code, inputJson, limits });
    });
  }

  /** Terminates every worker; pending and later runs fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(sandboxError('The sandbox pool is closed'));
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Workers alive (busy or idle); for tests and diagnostics. */
  get workerCount(): number {
    return this.#all.size;
  }
}
