import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-sentiment', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
