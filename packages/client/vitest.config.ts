import { dialectProjects } from '@shop/db/testing/vitest-projects';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      ...dialectProjects(['test/db/**/*.test.ts'], ['test/unit/**/*.test.ts']),
      // Packs, installs and typechecks once: the packed client does not depend on the dialect.
      { extends: true, test: { name: 'pack', include: ['test/pack/**/*.test.ts'] } },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
