import { dialectProjects } from '@shop/db/testing/vitest-projects';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: dialectProjects(['test/**/*.test.ts'], []),
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
