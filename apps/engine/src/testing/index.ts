/** `@flowcraft/engine/testing`: run workflow documents offline in tests (scripted models, in-memory checkpoints). */
export * from './harness.js';
export { MemoryKnowledge } from '../knowledge/memory-knowledge.js';
export { loadBundledKnowledge } from '../knowledge/import-knowledge.js';
export { ScriptedEmbeddings } from '../models/scripted-embeddings.js';
