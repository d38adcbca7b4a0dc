import type { ThreadRecord, ThreadRecords } from '../http/deps.js';
import type { Store, Thread } from '../store/index.js';

/** `ThreadRecords` over the `threads` table. */
export class StoreThreadRecords implements ThreadRecords {
  constructor(private readonly store: Store) {}

  async create(input: { id?: string; metadata?: Record<string, unknown> }): Promise<ThreadRecord> {
    return toRecord(
      await this.store.threads.create({
        ...(input.id === undefined ? {} : { id: input.id }),
        ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
      }),
    );
  }

  async get(id: string): Promise<ThreadRecord | undefined> {
    const row = await this.store.threads.find(id);
    return row === undefined ? undefined : toRecord(row);
  }

  async search(query: {
    metadata?: Record<string, unknown>;
    ids?: string[];
    limit: number;
    offset: number;
  }): Promise<ThreadRecord[]> {
    return (await this.store.threads.search(query)).map(toRecord);
  }

  async mergeMetadata(id: string, metadata: Record<string, unknown>): Promise<ThreadRecord | undefined> {
    const row = await this.store.threads.mergeMetadata(id, metadata);
    return row === undefined ? undefined : toRecord(row);
  }
}

function toRecord(row: Thread): ThreadRecord {
  return { id: row.id, workflowId: row.workflowId, metadata: row.metadata, createdAt: row.createdAt.toISOString() };
}
