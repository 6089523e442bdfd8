import { dialectProjects } from '@shop/db/testing/vitest-projects';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: dialectProjects(['test/browser/**/*.test.ts'], ['test/unit/**/*.test.ts']),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A page waits on the API and the database. Under `npm test` every package's suite shares two cores, and a
    // request plus a re-render can take seconds: wait up to 15 s (vitest's 1 s default failed CI), polling often.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    // One browser per file is enough for two cores.
    fileParallelism: false,
  },
});
