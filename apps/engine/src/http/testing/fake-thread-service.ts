import type { ThreadService } from '../deps.js';
import type { Page } from '../schemas/common.js';
import type { HistoryQuery, ThreadState } from '../schemas/thread.js';
import { paginate } from './paginate.js';

/** `ThreadService` in memory: tests add checkpoints with `add()`, oldest first. */
export class FakeThreadService implements ThreadService {
  private readonly threads = new Map<string, ThreadState[]>();

  add(state: ThreadState): this {
    const list = this.threads.get(state.threadId) ?? [];
    list.push(state);
    this.threads.set(state.threadId, list);
    return this;
  }

  async getState(threadId: string): Promise<ThreadState | undefined> {
    return this.threads.get(threadId)?.at(-1);
  }

  async history(threadId: string, query: HistoryQuery): Promise<Page<ThreadState> | undefined> {
    const list = this.threads.get(threadId);
    return list ? paginate([...list].reverse(), query) : undefined;
  }

  async getStateAt(threadId: string, checkpointId: string): Promise<ThreadState | undefined> {
    return this.threads.get(threadId)?.find((state) => state.checkpointId === checkpointId);
  }
}
