import { dialectProjects } from '@shop/db/testing/vitest-projects';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: dialectProjects(['test/*.test.ts'], ['test/unit/**/*.test.ts']),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
