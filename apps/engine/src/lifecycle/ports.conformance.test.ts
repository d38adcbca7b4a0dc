import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { MemoryRunPorts } from './memory-ports.js';
import { runPortsConformance } from './ports.conformance.js';

const doc = (id: string) => ({
  id,
  name: id,
  nodes: [
    { id: 'start', type: 'start', config: {} },
    { id: 'end', type: 'end', config: {} },
  ],
  edges: [{ id: 'e', source: 'start', target: 'end' }],
});

describe('MemoryRunPorts conformance', () => {
  const ports = new MemoryRunPorts();
  runPortsConformance(() => ({
    ports,
    addWorkflow: async () => ports.addWorkflow(doc(`wf-${randomUUID()}`)).id,
  }));
});
