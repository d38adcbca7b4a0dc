import { defineProject } from 'vitest/config';

// `globals: true`: @langchain/langgraph-checkpoint-validation registers its suites through the global describe/it.
export default defineProject({
  test: { include: ['src/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000, globals: true },
});
