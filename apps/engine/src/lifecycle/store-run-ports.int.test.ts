import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { runPortsConformance } from './ports.conformance.js';
import { StoreRunPorts } from './store-run-ports.js';

for (const kind of BACKENDS) {
  describe(`StoreRunPorts conformance (${kind})`, () => {
    const database = useTestDatabase(kind);
    runPortsConformance(() => {
      const store = createStore(database.db);
      return {
        ports: new StoreRunPorts(store),
        addWorkflow: async () =>
          (await store.workflows.create({ name: `wf ${randomUUID()}`, document: {}, valid: true })).workflow.id,
      };
    });
  });
}
