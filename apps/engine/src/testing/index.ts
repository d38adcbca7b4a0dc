/** `@flowcraft/engine/testing`: run workflow documents offline in tests (scripted models, in-memory checkpoints). */
export * from './harness.js';
