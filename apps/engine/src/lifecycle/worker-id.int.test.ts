import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowError } from '@flowcraft/schema';
import { createWorkersRepo } from '../store/repos/workers-repo.js';
import type { WorkerBeat } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import type { RunQueue } from '../queue/run-queue.js';
import type { RunService } from './run-service.js';
import { RunWorker } from './run-worker.js';
import { claimWorkerId, processAlive } from './worker-id.js';

/** A registry row of a process `pid` on `host`, holding the worker id `id`. */
function proc(id: string, host: string, pid: number): WorkerBeat {
  return { id, instance: randomUUID(), host, pid, role: 'worker', concurrency: 4, active: 0 };
}

const noSleep = () => Promise.resolve();

for (const kind of BACKENDS) {
  describe(`worker ids on ${kind}`, () => {
    const store = useTestDatabase(kind);
    const workers = () => createWorkersRepo(store.db);

    it('one process holds an id: another is refused while it beats; it is taken once the holder is stale or gone', async () => {
      const id = `w-${randomUUID()}`;
      const first = proc(id, 'host-a', 101);
      const second = proc(id, 'host-b', 202);
      expect(await workers().claim(first, 30)).toEqual({ claimed: true });
      // Its own claim again (a retry) is fine.
      expect(await workers().claim(first, 30)).toEqual({ claimed: true });
      const refused = await workers().claim(second, 30);
      expect(refused).toMatchObject({ claimed: false, holder: { instance: first.instance, host: 'host-a', pid: 101 } });
      if (refused.claimed) throw new Error('claimed');
      expect(refused.holder.heartbeatAgeSeconds).toBeLessThan(5);
      // The holder's heartbeat is its own; the other's beat does not renew (or take) the row.
      expect(await workers().beat({ ...first, active: 3 })).toBe(true);
      expect(await workers().beat({ ...second, active: 1 })).toBe(false);
      expect((await workers().live(60)).filter((w) => w.id === id)).toMatchObject([
        { instance: first.instance, active: 3 },
      ]);
      // A holder named dead is replaced at once; the one it replaced loses its heartbeat and cannot remove the row.
      expect(await workers().claim(second, 30, first.instance)).toEqual({ claimed: true });
      expect(await workers().beat(first)).toBe(false);
      await workers().remove(id, first.instance);
      expect((await workers().live(60)).filter((w) => w.id === id)).toMatchObject([{ instance: second.instance }]);
      // Stale: a holder whose last heartbeat is older than the staleness given.
      await new Promise((r) => setTimeout(r, 1100));
      expect(await workers().claim(first, 1)).toEqual({ claimed: true });
      // Gone (stopped): free for anyone.
      await workers().remove(id, first.instance);
      expect(await workers().claim(second, 30)).toEqual({ claimed: true });
    });

    it('claimWorkerId: a predecessor on this host whose process ended gives the id up at once', async () => {
      const id = `w-${randomUUID()}`;
      const before = proc(id, 'host-a', 4242);
      expect(await workers().claim(before, 30)).toEqual({ claimed: true });
      const waits: string[] = [];
      const me = proc(id, 'host-a', 5151);
      await claimWorkerId(workers(), me, {
        staleSeconds: 30,
        alive: (pid) => pid !== 4242,
        onWait: (t) => waits.push(t),
        sleep: noSleep,
      });
      expect(waits).toEqual([]);
      expect(await workers().beat(me)).toBe(true);
      // The same pid on the same host (a restarted container's fresh process namespace): the predecessor too.
      const restarted = proc(id, 'host-a', 5151);
      await claimWorkerId(workers(), restarted, { staleSeconds: 30, alive: () => true, sleep: noSleep });
      expect(await workers().beat(restarted)).toBe(true);
      expect(await workers().beat(me)).toBe(false);
    });

    it('claimWorkerId: a live holder elsewhere is waited for, then refused with conflict; the embedded database takes it', async () => {
      const id = `w-${randomUUID()}`;
      const live = proc(id, 'host-a', 1);
      expect(await workers().claim(live, 30)).toEqual({ claimed: true });
      const waits: string[] = [];
      let slept = 0;
      const me = proc(id, 'host-b', 2);
      const err = await claimWorkerId(workers(), me, {
        staleSeconds: 1,
        alive: () => true,
        onWait: (t) => waits.push(t),
        sleep: async (ms) => {
          slept += ms;
          // The holder keeps beating.
          await workers().beat(live);
          await new Promise((r) => setTimeout(r, 200));
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlowError);
      expect((err as FlowError).code).toBe('conflict');
      expect((err as FlowError).message).toMatch(
        /held by another live process: process 1 on host-a .*its own WORKER_ID/,
      );
      expect(waits).toHaveLength(1);
      expect(waits[0]).toMatch(/waiting up to 1 s/);
      expect(slept).toBeGreaterThan(0);
      expect(await workers().beat(live)).toBe(true);
      // One process on its database: no one else can hold the id.
      await claimWorkerId(workers(), me, { staleSeconds: 30, exclusive: true, alive: () => true, sleep: noSleep });
      expect(await workers().beat(me)).toBe(true);
    });

    it('claimWorkerId: a holder on another host that stops beating is replaced once stale', async () => {
      const id = `w-${randomUUID()}`;
      expect(await workers().claim(proc(id, 'host-a', 1), 30)).toEqual({ claimed: true });
      const me = proc(id, 'host-b', 2);
      const t0 = Date.now();
      await claimWorkerId(workers(), me, { staleSeconds: 1, alive: () => true });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(await workers().beat(me)).toBe(true);
    });

    it('a worker whose id another process took takes no more runs and reports unhealthy', async () => {
      const id = `w-${randomUUID()}`;
      const stopped: string[] = [];
      const errors: string[] = [];
      const queue = {
        work: async () => undefined,
        stopWorking: async () => {
          stopped.push('stop');
        },
      } as unknown as RunQueue;
      // What `RunWorker` calls on its timers (heartbeat, reaper) and at stop.
      const runs = {
        owner: id,
        heartbeat: async () => 0,
        reapExpiredLeases: async () => [],
        claimWithFetch: () => undefined,
        drain: async () => undefined,
      } as unknown as RunService;
      const worker = new RunWorker({
        runs,
        queue,
        native: { listen: async () => async () => undefined },
        workers: workers(),
        role: 'worker',
        concurrency: 4,
        leaseSeconds: 0.3,
        process: { host: 'host-a', pid: 1 },
        onError: (message) => errors.push(message),
      });
      await worker.start();
      expect(worker.healthy).toBe(true);
      // A process on another host takes the id (this one counted as dead).
      const [row] = (await workers().live(60)).filter((w) => w.id === id);
      expect(await workers().claim(proc(id, 'host-b', 2), 30, row?.instance ?? undefined)).toEqual({ claimed: true });
      for (let i = 0; i < 50 && worker.healthy; i++) await new Promise((r) => setTimeout(r, 50));
      expect(worker.healthy).toBe(false);
      expect(stopped).toEqual(['stop']);
      expect(errors.join('\n')).toMatch(/was taken by another process/);
      await worker.stop(0);
      // Its stop does not remove the new holder's row.
      expect((await workers().live(60)).filter((w) => w.id === id)).toMatchObject([{ host: 'host-b' }]);
    });
  });
}

describe('processAlive', () => {
  it('this process runs; a pid no process has does not', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
