import { defineConfig } from 'vitest/config';

// One project per package (each has its own vitest.config.ts), plus the examples.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/engine', 'apps/editor', 'examples', 'test'],
  },
});
