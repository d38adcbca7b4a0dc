import { FlowError } from '@flowcraft/schema';
import { parentPort } from 'node:worker_threads';
import { SandboxJob, type SandboxReply } from './sandbox-protocol.js';
import { runInThisThread } from './sandbox-run.js';

/** The worker side of SandboxPool: runs one job at a time in a fresh QuickJS VM and replies. */
const port = parentPort;
if (port === null) throw new Error('sandbox-worker.ts must run in a worker thread');

// emscripten prints diagnostics (e.g. "Aborted(...)" after a stack overflow was already reported
// as a FlowError) through console; this thread exists only to run the sandbox, so mute them.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) console[method] = () => undefined;

function failure(id: number, err: unknown): SandboxReply {
  const e =
    err instanceof FlowError
      ? err
      : new FlowError('sandbox_error', `The sandbox failed: ${err instanceof Error ? err.message : String(err)}`);
  return { id, ok: false, error: { code: e.code, message: e.message, retryable: e.retryable, details: e.details } };
}

function reply(message: SandboxReply): void {
  try {
    port?.postMessage(message);
  } catch {
    // details that cannot be cloned: send the error without them
    if ('error' in message) port?.postMessage({ ...message, error: { ...message.error, details: undefined } });
  }
}

port.on('message', (message: unknown) => {
  const job = SandboxJob.safeParse(message);
  if (!job.success) return;
  const { id, code, inputJson, limits } = job.data;
  runInThisThread(code, inputJson, limits).then(
    (value) => reply({ id, ok: true, value }),
    (err: unknown) => reply(failure(id, err)),
  );
});
reply({ ready: true });
