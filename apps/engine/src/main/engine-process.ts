import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Test support: the real engine (`pnpm start`'s entry point) as a child process. */
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface EngineProcess {
  child: ChildProcess;
  output: () => string;
}

/** Engine processes this process started and that still run: killed when this process exits (a test that fails or times out leaks none). */
const started = new Set<ChildProcess>();
let killOnExit = false;

/** Starts `main.ts` with `env` and resolves once its output contains `readyText` (the API's summary by default). */
export function startEngineProcess(
  env: Record<string, string>,
  readyText: string | RegExp = 'API reference',
  timeoutMs = 240_000,
  nodeArgs: string[] = [],
): Promise<EngineProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  if (!killOnExit) {
    killOnExit = true;
    process.once('exit', () => {
      for (const c of started) c.kill('SIGKILL');
    });
  }
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`engine did not start:\n${out}`));
    }, timeoutMs);
    const check = () => {
      if (typeof readyText === 'string' ? out.includes(readyText) : readyText.test(out)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, output: () => out });
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`engine exited with ${code}:\n${out}`));
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
  });
}

/** SIGKILL (or `signal`) and wait for the exit. */
export function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
