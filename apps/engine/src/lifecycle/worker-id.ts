import { FlowError } from '@flowcraft/schema';
import type { WorkerBeat, WorkerHolder, WorkersRepo } from '../store/index.js';

/** Whether a process of this host still runs (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ClaimWorkerIdOptions {
  /**
   * A holder whose heartbeat is older than this is dead (the run lease: its runs are handed to other
   * workers then too). A holder on another host is waited for this long at most.
   */
  staleSeconds: number;
  /** The only process on its database (the embedded one): the id is taken whoever had it. */
  exclusive?: boolean;
  /** Told once when the id is held and this process waits. */
  onWait?: (text: string) => void;
  /** Whether process `pid` of this host runs (injected in tests). */
  alive?: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

function describe(holder: WorkerHolder): string {
  const where = holder.host === null ? 'a process' : `process ${holder.pid ?? '?'} on ${holder.host}`;
  return `${where} (last heartbeat ${holder.heartbeatAgeSeconds.toFixed(0)} s ago)`;
}

/**
 * Takes the worker id `me.id` for this process before it recovers or executes any run. The runs a
 * worker id owns are this process's to resume only if no other live process holds the id: a second
 * process started with the same WORKER_ID would otherwise re-queue the first one's runs and both
 * would execute them. A predecessor on this host whose process ended (a restart after a crash) gives
 * the id up at once; one on another host once its heartbeat is `staleSeconds` old. A holder still
 * beating after that is a live process: throws `conflict`.
 */
export async function claimWorkerId(workers: WorkersRepo, me: WorkerBeat, opts: ClaimWorkerIdOptions): Promise<void> {
  const alive = opts.alive ?? processAlive;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + (opts.staleSeconds + 2) * 1000;
  let dead: string | undefined;
  let told = false;
  for (;;) {
    const found = await workers.claim(me, opts.exclusive ? 0 : opts.staleSeconds, dead);
    if (found.claimed) return;
    const { holder } = found;
    // This host's process table says whether the holder still runs (the same pid: this process's own
    // predecessor in a reused process namespace, a restarted container).
    const ended =
      holder.instance !== null &&
      holder.host === me.host &&
      holder.pid !== null &&
      (holder.pid === me.pid || !alive(holder.pid));
    if (ended && holder.instance !== dead) {
      dead = holder.instance ?? undefined;
      continue;
    }
    if (Date.now() >= deadline)
      throw new FlowError(
        'conflict',
        `Worker id "${me.id}" is held by another live process: ${describe(holder)}. Give each worker process its own WORKER_ID.`,
      );
    if (!told) {
      told = true;
      opts.onWait?.(
        `Worker id "${me.id}" is held by ${describe(holder)}: waiting up to ${opts.staleSeconds} s for its heartbeat to stop (a process that died); if it keeps beating, this process stops.`,
      );
    }
    await sleep(1000);
  }
}
