import { describe } from 'vitest';
import { InMemoryStore } from '@langchain/langgraph-checkpoint';
import { ScriptedEmbeddings } from '../../models/scripted-embeddings.js';
import { storeConformance } from './store.conformance.js';

// The reference: LangGraph's own store passes the contract DrizzleStore is held to.
describe('InMemoryStore (reference) conformance', () => {
  const store = new InMemoryStore();
  const indexed = new InMemoryStore({ index: { dims: 256, embeddings: new ScriptedEmbeddings(), fields: ['text'] } });
  storeConformance(() => ({ store, indexed }));
});
