import { describe, expect, it } from 'vitest';
import type { ExperimentJobHandler, ExperimentQueue } from '../queue/experiment-queue.js';
import type { Database } from '../store/index.js';
import type { DriveOutcome, ExperimentDriver } from './experiment-driver.js';
import { ExperimentWorker } from './experiment-worker.js';

/** A queue, repo and driver in memory: what the worker does with jobs, leases and stops. */
function setup(opts: { held?: string[]; expired?: { id: string; leaseUntil: Date }[] } = {}) {
  let handler: ExperimentJobHandler = async () => {};
  const enqueued: { id: string; delaySeconds?: number }[] = [];
  const released: { id: string; expect: unknown }[] = [];
  const queue: ExperimentQueue = {
    enqueue: async (_tx, id, o) => {
      enqueued.push({ id, ...(o?.delaySeconds ? { delaySeconds: o.delaySeconds } : {}) });
    },
    work: async (h) => {
      handler = h;
    },
    stopWorking: async () => {},
  };
  const drives: { id: string; signal: AbortSignal | undefined }[] = [];
  let outcome: (signal: AbortSignal | undefined) => Promise<DriveOutcome> = async () => 'completed';
  const driver = {
    drive: (id: string, signal?: AbortSignal) => {
      drives.push({ id, signal });
      return outcome(signal);
    },
  } as unknown as ExperimentDriver;
  const worker = new ExperimentWorker({
    driver,
    queue,
    owner: 'w1',
    leaseSeconds: 300,
    concurrency: 2,
    onError: () => {},
    experiments: {
      renew: async () => opts.held ?? [],
      findExpired: async () => opts.expired ?? [],
      release: async (id, expect, alsoInTx) => {
        released.push({ id, expect });
        await alsoInTx?.({} as Database);
        return true;
      },
    },
  });
  return {
    worker,
    enqueued,
    released,
    drives,
    job: (id: string) => handler(id),
    setOutcome: (f: typeof outcome) => {
      outcome = f;
    },
  };
}

const untilAborted = (signal: AbortSignal | undefined) =>
  new Promise<DriveOutcome>((resolve) => {
    if (signal?.aborted) resolve('handed_over');
    signal?.addEventListener('abort', () => resolve('handed_over'));
  });

describe('ExperimentWorker', () => {
  it('a completed drive frees nothing; a stop hands the drive back with a new job', async () => {
    const t = setup();
    await t.worker.start();
    await t.job('e1');
    expect(t.released).toEqual([]);
    t.setOutcome(untilAborted);
    const job = t.job('e2');
    await t.worker.stop();
    await job;
    expect(t.released).toEqual([{ id: 'e2', expect: { driver: 'w1' } }]);
    expect(t.enqueued).toEqual([{ id: 'e2' }]);
    // A job taken after the stop is handed straight back, not dropped.
    await t.job('e3');
    expect(t.drives.at(-1)?.signal?.aborted).toBe(true);
    expect(t.enqueued.map((e) => e.id)).toEqual(['e2', 'e3']);
  });

  it('a failed drive is handed back with a delayed job; a lost lease stops the drive', async () => {
    const t = setup({ held: [] });
    await t.worker.start();
    t.setOutcome(async () => {
      throw new Error('database down');
    });
    await t.job('e1');
    expect(t.enqueued).toEqual([{ id: 'e1', delaySeconds: 5 }]);
    t.setOutcome(untilAborted);
    const job = t.job('e2');
    await new Promise((r) => setTimeout(r, 5));
    expect(t.worker.driving).toEqual(['e2']);
    await t.worker.heartbeat();
    await job;
    expect(t.drives.at(-1)?.signal?.aborted).toBe(true);
    expect(t.worker.driving).toEqual([]);
    await t.worker.stop();
  });

  it('frees experiments whose driver died (expired lease) with a new job', async () => {
    const leaseUntil = new Date(Date.now() - 1000);
    const t = setup({ expired: [{ id: 'e9', leaseUntil }] });
    expect(await t.worker.reap()).toEqual(['e9']);
    expect(t.released).toEqual([{ id: 'e9', expect: { leaseUntil } }]);
    expect(t.enqueued).toEqual([{ id: 'e9' }]);
  });
});
