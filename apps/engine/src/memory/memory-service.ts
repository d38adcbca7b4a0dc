import type { Item } from '@langchain/langgraph-checkpoint';
import type { MemoryItem } from '@flowcraft/schema';
import type { MemoryService } from '../http/deps.js';
import type { DrizzleStore } from '../store/index.js';

function toWire(item: Item): MemoryItem {
  return {
    namespace: item.namespace,
    key: item.key,
    value: item.value,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  };
}

/** The long-term store as the HTTP API sees it: inspect, forget one item, erase a namespace. */
export function createMemoryService(store: DrizzleStore): MemoryService {
  return {
    listNamespaces: ({ prefix, maxDepth, limit }) =>
      store.listNamespaces({
        ...(prefix ? { prefix } : {}),
        ...(maxDepth ? { maxDepth } : {}),
        limit,
      }),
    list: async (namespace, { limit, offset, query }) =>
      (await store.search(namespace, { limit, offset, ...(query ? { query } : {}) })).map(toWire),
    get: async (namespace, key) => {
      const item = await store.get(namespace, key);
      return item === null ? undefined : toWire(item);
    },
    delete: async (namespace, key) => {
      if ((await store.get(namespace, key)) === null) return false;
      await store.delete(namespace, key);
      return true;
    },
    erase: (prefix) => store.deletePrefix(prefix),
  };
}
