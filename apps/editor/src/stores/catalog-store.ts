import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { NodeTypeDescription } from '@flowcraft/schema';
import { DescriptionCatalog } from '../model/node-catalog.js';

export interface CatalogState {
  catalog: DescriptionCatalog | undefined;
  error: string | undefined;
  setTypes(types: readonly NodeTypeDescription[]): void;
  setError(message: string): void;
}

export function createCatalogStore(): StoreApi<CatalogState> {
  return createStore<CatalogState>()((set) => ({
    catalog: undefined,
    error: undefined,
    setTypes: (types) => set({ catalog: new DescriptionCatalog(types), error: undefined }),
    setError: (message) => set({ error: message }),
  }));
}
