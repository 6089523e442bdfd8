import { defineConfig } from 'vitest/config';
import { dialectProjects } from './src/testing/vitest-projects.ts';

export default defineConfig({
  test: {
    projects: dialectProjects(['test/db/**/*.test.ts'], ['test/unit/**/*.test.ts'], ['test/db/replica*.test.ts']),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
