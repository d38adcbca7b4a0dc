import { describe } from 'vitest';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { workflowStoreConformance } from './workflow-store.conformance.js';
import { StoreWorkflowStore } from './workflow-store.js';

for (const kind of BACKENDS) {
  describe(`StoreWorkflowStore conformance (${kind})`, () => {
    const database = useTestDatabase(kind);
    workflowStoreConformance(() => new StoreWorkflowStore(createStore(database.db).workflows));
  });
}
