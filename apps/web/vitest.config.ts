import { dialectProjects } from '@shop/db/testing/vitest-projects';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: dialectProjects(['test/browser/**/*.test.ts'], ['test/unit/**/*.test.ts']),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One browser per file is enough for two cores.
    fileParallelism: false,
  },
});
