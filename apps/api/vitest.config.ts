import { dialectProjects } from '@shop/db/testing/vitest-projects';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The replica tests build their own primary and streaming replica, once (not per dialect).
    projects: dialectProjects(
      ['test/*.test.ts'],
      ['test/unit/**/*.test.ts'],
      ['test/replica*.test.ts', 'test/bank-replica.test.ts'],
    ),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
