import { describe } from 'vitest';
import { MemoryWorkflowStore } from '../http/testing/memory-workflow-store.js';
import { workflowStoreConformance } from './workflow-store.conformance.js';

describe('MemoryWorkflowStore conformance', () => {
  const store = new MemoryWorkflowStore(() => new Date().toISOString());
  workflowStoreConformance(() => store);
});
